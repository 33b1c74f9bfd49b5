// Builds Destination objects by their config name. One builder per destination type;
// a new kind is one line in `builders`.
import type { Config, DestinationConfig } from '../config/index.js';
import { ConfigError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import type { Destination, IngestTarget } from '../scheduler/ports.js';
import { LocalDestination } from './local/index.js';
import { RtmpDestination } from './rtmp/index.js';

export interface DestinationFactoryDeps {
  config: Readonly<Config>;
  logger: Logger;
  /** The ffmpeg binary (the local archive joins recordings with it). */
  ffmpeg: string;
  /** Builds the YouTube destination of a name (destinations/youtube's services), when configured. */
  youtube?: { destination(name: string, options?: { profile?: IngestTarget['profile'] }): Destination };
}

type Builder<T extends DestinationConfig['type']> = (
  name: string,
  conf: Extract<DestinationConfig, { type: T }>,
  deps: DestinationFactoryDeps,
) => Destination;

const builders: { [T in DestinationConfig['type']]?: Builder<T> } = {
  local: (name, conf, deps) =>
    new LocalDestination({
      name,
      dataDir: deps.config.dirs.data,
      ffmpeg: deps.ffmpeg,
      archive: conf.archive,
      ladder: conf.ladder,
      logger: deps.logger.child({ destination: name }),
    }),
  rtmp: (name, conf, deps) =>
    new RtmpDestination({
      name,
      url: conf.url,
      keyEnv: conf.keyEnv,
      streamKey: deps.config.secrets.streamKeys[name],
      ...(conf.profile ? { profile: conf.profile } : {}),
      logger: deps.logger.child({ destination: name }),
    }),
  youtube: (name, conf, deps) => {
    if (!deps.youtube) throw new ConfigError(`destinations.${name}`, 'YouTube is not set up in this onair (no youtube services given)');
    return deps.youtube.destination(name, { profile: conf.profile });
  },
};

/** Builds the destination configured under `destinations.<name>`; ConfigError when unknown. */
export function createDestination(name: string, deps: DestinationFactoryDeps): Destination {
  const conf = deps.config.destinations[name];
  if (!conf) {
    const known = Object.keys(deps.config.destinations).join(', ') || 'none';
    throw new ConfigError(`destinations.${name}`, `no destination named "${name}" (configured: ${known})`);
  }
  const build = builders[conf.type] as Builder<typeof conf.type> | undefined;
  if (!build) throw new ConfigError(`destinations.${name}`, `destinations of type ${conf.type} are not supported`);
  return build(name, conf as never, deps);
}

/** A lookup by name that builds each destination once (what the engine takes). */
export function createDestinationFactory(deps: DestinationFactoryDeps): (name: string) => Destination {
  const built = new Map<string, Destination>();
  return (name) => {
    let d = built.get(name);
    if (!d) {
      d = createDestination(name, deps);
      built.set(name, d);
    }
    return d;
  };
}

export { LocalDestination, LocalArchive, removeOldHls, occurrenceFolder } from './local/index.js';
export { RtmpDestination, ingestUrl } from './rtmp/index.js';
