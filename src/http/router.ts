// The one way onair's HTTP routes are declared: case-sensitive and strict, like the app
// itself. Express routers match case-insensitively and ignore a trailing slash by default,
// and a router does not inherit the app's settings, so /api/broadcasts/<id>/START or
// /Api/Broadcasts/<id>/SLATE reached the staff actions while the audit, matching by exact
// name, let them pass unrecorded. Every route file builds its router here.
import express from 'express';

export function strictRouter(): express.Router {
  return express.Router({ caseSensitive: true, strict: true });
}
