// A cued switch to the programme (Encoder.cue): the programme's first frame should leave the
// output at the cued second, not one switch and one encoder pipeline later.
//   - PRE-ROLL: PREROLL_MS before the switch, the programme's decoder is started HELD
//     (guarded-process.ts): ffmpeg opens, probes and seeks its source, then waits on a
//     FIFO nobody reads yet. The switch only lets it through, so it costs a decoder's first
//     frame, not an ffmpeg start and a source open.
//   - COMPENSATION: the switch is made early by the output's measured pipeline latency plus
//     the measured cost of a pre-rolled switch (pipeline-latency.ts), so that the first
//     programme frame leaves the output at the cued second.
//   - REHEARSAL: the whole cost is only known once a pre-rolled switch has been measured.
//     The first cue of a server (no such measure yet) first switches the slate to itself
//     the same way, REHEARSAL_MS before the pre-roll: viewers see the slate throughout, and
//     the programme's switch is then made early by a measured cost, not by a guess.
// A cue moved later after the switch was made puts the slate back and cues again. Live
// sources (cameras) are not held: a held camera's stream would queue up in the socket and
// reach the air seconds old; they are only switched early.
import type { Cancel, Clock } from '../shared/clock.js';

/** How long before the switch the programme's source is opened and held. */
export const PREROLL_MS = 3000;

/**
 * Room left after the slate's expected end when a held programme's timestamps are placed
 * (ms): the slate's stop, and its position, which does not follow the wall clock evenly —
 * the pre-rendered slate is a 2 s clip looped by `-re -stream_loop -1 -c copy`, which
 * reads up to a clip ahead after a loop. Too little and the held decoder cannot be used
 * (its frames would come before the slate's last ones, and the output would drop them);
 * more costs nothing a viewer sees (the output repeats the slate's last frame that much
 * longer; repeated frames encode in next to no time, in parallel with x264's lookahead).
 */
const SLATE_AHEAD_MS = 2000;

/** A held decoder whose timestamps start further than this after the previous decoder's is not used (s). */
const MAX_GAP_S = 3.5;

/**
 * Where a held programme's timestamps start (s on the broadcast's timeline), given where
 * the slate will have reached at the planned switch and what a switch costs (ms).
 */
export function heldOffsetS(slateEndAtSwitchS: number, switchCostMs: number): number {
  return slateEndAtSwitchS + (switchCostMs + SLATE_AHEAD_MS) / 1000;
}

/** Whether a held decoder starting at `offsetS` can follow a previous decoder whose next timestamp is `afterS`. */
export function heldFits(offsetS: number, afterS: number): boolean {
  return offsetS >= afterS - 0.02 && offsetS <= afterS + MAX_GAP_S;
}

/** How often the switch's moment is worked out again while the programme is held. */
const RELEAD_MS = 200;

/** How long before the pre-roll an unmeasured switch is rehearsed (slate to slate). */
export const REHEARSAL_MS = 3000;
/** A rehearsal is started only this long after its moment at most: the measure needs the rest. */
const REHEARSAL_WINDOW_MS = 1000;

export interface CueHost {
  clock: Clock;
  /** How long before the cue the switch must be made (ms). */
  leadMs(): number;
  /** Opens the programme ahead, to be switched to at `switchAt` (clock ms). */
  preroll(switchAt: number): void;
  /** Switches to the programme now. */
  switchNow(): void;
  /** The programme went on air early for a cue that has since moved later: back to the slate. */
  switchBack(): void;
  /** Whether the programme is what is wanted on air now (switched, or asked for by show()). */
  programmeWanted(): boolean;
  /** Whether the encoder can act yet (its source probed); until then a cue only waits, and plan() is called again once it can. */
  ready(): boolean;
  /** Whether a pre-rolled switch's whole cost is still unmeasured and a rehearsal can measure it now. */
  rehearsalWanted(): boolean;
  /** Switches the slate to itself the way the programme will be switched (held, let through), to measure the cost. */
  rehearse(): void;
}

export class CuedSwitch {
  readonly #host: CueHost;
  #at: number | undefined;
  #timer: Cancel | undefined;
  #prerolled = false;
  #rehearsed = false;
  /** The programme was switched to by this cue (not by show()). */
  #switched = false;

  constructor(host: CueHost) {
    this.#host = host;
  }

  get at(): number | undefined {
    return this.#at;
  }

  /** Cues the programme for `at` (clock ms); undefined drops the cue. */
  set(at: number | undefined): void {
    if (at === this.#at) return;
    this.#at = at;
    this.#prerolled = false;
    this.#rehearsed = false;
    this.plan();
  }

  /** The cue no longer applies (the programme was asked for, or the encoder stops). */
  clear(): void {
    this.#timer?.();
    this.#timer = undefined;
    this.#at = undefined;
    this.#switched = false;
  }

  /** Works out what is due now and arms the timer for the next step; call again when anything changed. */
  plan(): void {
    this.#timer?.();
    this.#timer = undefined;
    const at = this.#at;
    if (at === undefined || !this.#host.ready()) return;
    const now = this.#host.clock.now().getTime();
    const switchAt = at - this.#host.leadMs();
    if (this.#switched && this.#host.programmeWanted()) {
      // Made for an earlier cue: the slate goes back up until the new one is due.
      if (now < switchAt - PREROLL_MS / 2) {
        this.#switched = false;
        this.#prerolled = false;
        this.#host.switchBack();
      } else return;
    }
    if (this.#host.programmeWanted()) return;
    if (now >= switchAt) {
      this.#switched = true;
      this.#host.switchNow();
      return;
    }
    const prerollAt = switchAt - PREROLL_MS;
    const rehearseAt = prerollAt - REHEARSAL_MS;
    const rehearsing = !this.#rehearsed && now >= rehearseAt && now < rehearseAt + REHEARSAL_WINDOW_MS;
    if (rehearsing && this.#host.rehearsalWanted()) {
      this.#rehearsed = true;
      this.#host.rehearse();
    }
    if (now >= prerollAt && !this.#prerolled) {
      this.#prerolled = true;
      this.#host.preroll(switchAt);
    }
    // Wake for the rehearsal (and while it waits for the latency's measure), the pre-roll,
    // then the switch itself; in between, often enough to follow the lead as its measure
    // changes (it is measured while the slate is up).
    let next: number;
    if (now < rehearseAt) next = rehearseAt;
    else if (now < prerollAt) next = rehearsing && !this.#rehearsed ? now + RELEAD_MS : prerollAt;
    else next = Math.min(switchAt, now + RELEAD_MS);
    this.#timer = this.#host.clock.at(new Date(next), () => this.plan());
  }
}
