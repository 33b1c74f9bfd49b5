// The emulator's control API (not Google's) under /emulator/: its state, and faults injected
// on demand, for rehearsals and the standalone `onair emulator youtube`.
import express from 'express';
import type { EmulatorBackend } from './emulator-backend.js';

export function controlRoutes(emu: EmulatorBackend): express.Router {
  const router = express.Router();
  router.get('/emulator/state', (_req, res) => {
    res.json({
      quota: { day: emu.quota.day, used: emu.quota.used, limit: emu.quota.dailyLimit },
      broadcasts: emu.broadcasts(),
      streams: emu.streams().map((s) => ({ ...s, ingest: emu.ingestStats(s.id!) })),
      calls: emu.calls.slice(-200),
    });
  });
  router.post('/emulator/faults', express.json(), (req, res) => {
    const f = (req.body ?? {}) as Record<string, unknown>;
    const n = (k: string, d: number): number => (typeof f[k] === 'number' ? (f[k] as number) : d);
    try {
      switch (f.type) {
        case 'backendError':
          emu.failNext(n('count', 3), n('code', 503));
          break;
        case 'rateLimit':
          emu.rateLimit(n('count', 3), n('code', 403) === 429 ? 429 : 403);
          break;
        case 'latency':
          emu.setLatency(n('ms', 0), Array.isArray(f.methods) ? f.methods.map(String) : undefined);
          break;
        case 'quotaExhausted':
          emu.exhaustQuota();
          break;
        case 'revokeTokens':
          emu.revokeTokens();
          break;
        case 'liveStreamingDisabled':
          emu.setLiveStreamingEnabled(false);
          break;
        case 'dropStream':
          emu.dropStream(String(f.streamId), n('ms', 20_000), { disconnect: f.disconnect === true });
          break;
        default:
          res.status(400).json({ error: `unknown fault type ${String(f.type)}; use backendError, rateLimit, latency, quotaExhausted, revokeTokens, liveStreamingDisabled or dropStream` });
          return;
      }
      res.status(204).end();
    } catch (err) {
      res.status(400).json({ error: (err as Error).message });
    }
  });

  return router;
}
