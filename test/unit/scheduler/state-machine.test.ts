import { expect } from 'chai';
import { BROADCAST_STATES, FINAL_STATES } from '../../../src/scheduler/ports.js';
import { canTransition, TRANSITIONS } from '../../../src/scheduler/state-machine.js';

describe('broadcast state machine', () => {
  it('allows exactly the documented normal path and ways out', () => {
    const legal = BROADCAST_STATES.flatMap((from) => TRANSITIONS[from].map((to) => `${from}→${to}`));
    expect(legal.sort()).to.deep.equal(
      [
        'scheduled→preparing', 'scheduled→missed', 'scheduled→cancelled', 'scheduled→failed',
        'preparing→ready', 'preparing→missed', 'preparing→cancelled', 'preparing→failed',
        'ready→live', 'ready→missed', 'ready→cancelled', 'ready→failed',
        'live→ending', 'live→failed',
        'ending→complete', 'ending→failed',
        'failed→scheduled',
      ].sort(),
    );
  });

  it('lets nothing leave a final state but a failed one that staff start again', () => {
    for (const from of FINAL_STATES) {
      for (const to of BROADCAST_STATES) expect(canTransition(from, to), `${from}→${to}`).to.equal(from === 'failed' && to === 'scheduled');
    }
  });

  it('refuses skipping steps (live before ready, complete before ending)', () => {
    expect(canTransition('scheduled', 'live')).to.equal(false);
    expect(canTransition('live', 'complete')).to.equal(false);
    expect(canTransition('live', 'cancelled')).to.equal(false);
  });

  it('starts a record only as scheduled, cancelled or missed', () => {
    expect(BROADCAST_STATES.filter((s) => canTransition(undefined, s))).to.deep.equal(['scheduled', 'missed', 'cancelled']);
  });
});
