// What staff (the API, the control room) may read and do to broadcasts. The engine fits
// it in the embedded default; in cluster mode a web node's RemoteBroadcasts fits it by
// reading the shared store and forwarding actions to the leader.
import type { TransitionEntry } from './broadcast-store.js';
import type { BroadcastRecord } from './ports.js';

export interface BroadcastActions {
  list(from: Date, to: Date): Promise<BroadcastRecord[]>;
  get(occurrenceId: string): Promise<BroadcastRecord>;
  /** The broadcast's history, oldest first. */
  transitions(occurrenceId: string): Promise<TransitionEntry[]>;
  startNow(occurrenceId: string): Promise<BroadcastRecord>;
  extend(occurrenceId: string, ms: number): Promise<BroadcastRecord>;
  endNow(occurrenceId: string): Promise<BroadcastRecord>;
  show(occurrenceId: string, phase: 'slate' | 'programme'): Promise<BroadcastRecord>;
}
