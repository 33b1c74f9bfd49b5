// Entry of one cluster node (ONAIR_REDIS_URL): `web` (HTTP + Socket.IO, any number of them),
// `worker` (scheduler + ffmpeg while it holds the leader lease) or `all` (both). Built by the
// same composition as the embedded default (src/compose/onair.ts); only the role differs.
import type { Config } from './config/index.js';
import { composeOnair, type ComposeOptions, type Onair } from './compose/onair.js';
import type { ClusterNode, NodeRole } from './cluster/index.js';
import { ConfigError } from './shared/errors.js';

export interface ClusterStartOptions extends ComposeOptions {
  role: NodeRole;
}

export interface ClusterOnair extends Onair {
  node: ClusterNode;
}

export async function startClusterNode(config: Readonly<Config>, options: ClusterStartOptions): Promise<ClusterOnair> {
  if (!config.cluster.redisUrl) {
    throw new ConfigError('cluster.redisUrl', `"onair ${options.role}" runs one node of a cluster and needs Redis: set ONAIR_REDIS_URL (e.g. redis://127.0.0.1:6379)`);
  }
  const onair = await composeOnair(config, options);
  return { ...onair, node: onair.node! };
}
