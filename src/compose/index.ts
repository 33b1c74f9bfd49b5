// Public face of the composition: composeOnair builds the whole server; the part builders
// are exported for the benchmarks that measure one part alone.
export * from './onair.js';
export * from './engine.js';
export * from './schedule.js';
export * from './realtime.js';
export * from './ops.js';
