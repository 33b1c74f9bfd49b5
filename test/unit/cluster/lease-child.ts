// A lease contender in its own process, so a test can kill it (SIGKILL) like a crashed
// node. Prints one JSON line per lease event on stdout.
import { Redis } from 'ioredis';
import { LeaderLease } from '../../../src/cluster/leader-lease.js';
import { systemClock } from '../../../src/shared/clock.js';

const [url, key, ttl] = process.argv.slice(2);
if (!url || !key || !ttl) throw new Error('usage: lease-child <redisUrl> <key> <ttlMs>');
const redis = new Redis(url, { maxRetriesPerRequest: 1, enableOfflineQueue: false });
const lease = new LeaderLease({ redis, clock: systemClock, key, ttlMs: Number(ttl) });
const say = (o: object): void => void process.stdout.write(`${JSON.stringify(o)}\n`);
lease.on('acquired', (fencingToken) => say({ event: 'acquired', fencingToken }));
lease.on('lost', (reason) => say({ event: 'lost', reason }));
lease.on('error', (err) => say({ event: 'error', message: err.message }));
lease.start();
