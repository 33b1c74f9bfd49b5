// Collects what an encoder reports (problems, fatal errors, health samples) as it happens,
// for tests that wait on them with waitFor().
import type { EncoderHealth, ErrorInfo } from '../../src/scheduler/ports.js';
import type { SupervisedEncoder } from '../../src/media/index.js';

export interface EncoderEventLog {
  problems: ErrorInfo[];
  fatals: ErrorInfo[];
  health: EncoderHealth[];
}

export function collectEncoderEvents(e: SupervisedEncoder): EncoderEventLog {
  const problems: ErrorInfo[] = [];
  const fatals: ErrorInfo[] = [];
  const health: EncoderHealth[] = [];
  e.on('problem', (p) => problems.push(p));
  e.on('fatal', (p) => fatals.push(p));
  e.on('health', (h) => health.push(h));
  return { problems, fatals, health };
}
