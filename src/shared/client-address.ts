// Whose request is this: the one rule for the client's address, used by the HTTP rate limits,
// the login throttle and the Socket.IO layer alike (config server.trustProxy decides).
// Behind our one reverse proxy the socket's peer is the proxy; the proxy appends the real
// client as the LAST X-Forwarded-For entry (earlier entries come from the client and can be
// forged). Without trustProxy the header is ignored: anyone could send it.

/** The client's address from the socket peer and the X-Forwarded-For header. */
export function clientAddress(remoteAddress: string | undefined, forwardedFor: string | string[] | undefined, trustProxy: boolean): string {
  if (trustProxy) {
    const value = Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor;
    const last = value?.split(',').pop()?.trim();
    if (last) return last.slice(0, 64);
  }
  return remoteAddress ?? 'unknown';
}
