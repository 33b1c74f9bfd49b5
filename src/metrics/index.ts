// Public face of the metrics module: the prom-client registry and the handlers main.ts wires.
export * from './metrics.js';
