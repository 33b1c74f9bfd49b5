// Public face of the config module.
export { loadConfig, DEFAULT_CONFIG_DIR, type LoadOptions } from './load.js';
export { configSchema, durationMs, youtubeDestinationNames, type Config, type DestinationConfig, type Secrets } from './schema.js';
export { OUTPUT_PROFILES, outputProfile, type OutputProfile, type OutputProfileName } from './output-profile.js';
