// Public face of the shared module: small pieces every other module may import.
// This module imports nothing from the rest of src/.
export * from './clock.js';
export * from './errors.js';
export * from './duration.js';
export * from './typed-emitter.js';
export * from './logger.js';
export * from './youtube-quota.js';
export * from './log-throttle.js';
