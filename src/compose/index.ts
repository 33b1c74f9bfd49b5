// Public face of the composition helpers: each builds one part of onair from the config.
export * from './engine.js';
export * from './schedule.js';
export * from './realtime.js';
export * from './ops.js';
