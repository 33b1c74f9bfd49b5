// Public face of the scheduler module: the broadcast engine, its ports and its state machine.
export * from './ports.js';
export { BroadcastEngine, type KnownBroadcast } from './engine.js';
export { type EngineDeps, type EngineTiming, DEFAULT_TIMING } from './engine-deps.js';
export { type BroadcastStore, type TransitionEntry, StaleStateError } from './broadcast-store.js';
export { TRANSITIONS, INITIAL_STATES, canTransition, PRE_AIR_STATES } from './state-machine.js';
export { type BroadcastActions } from './broadcast-actions.js';
export { diffOccurrence, type OccurrenceDiff } from './diff-occurrence.js';
