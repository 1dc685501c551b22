// recycle: 'auto': recycling runs only where it pays. Recycling lowers the iterations of a solve
// and raises the cost of each (GCRO-DR orthogonalizes against C, Def-CG projects every direction,
// harvests and A W cost k products); with a strong preconditioner and few iterations a system,
// the second can outweigh the first (Belos GCRO-DR on such a sequence: more iterations and 3x the
// time of GMRES). So the policy measures both sides, ms per iteration and iterations per solve,
// with and without recycling, and picks the smaller predicted cost (iterations x ms per
// iteration), trying the other choice again now and then (the sequence drifts). Deciding costs
// little where recycling does not pay: the first solve (no space yet, so its iterations are those
// of no recycling) already counts as a measurement without recycling, and probes come rarer the
// more the other choice lost (exponential back-off, scaled by how far behind it is): a probe of
// recycling with a stale space costs several solves without it.
// Used by the session for every method whose `recycle` option is 'auto' (GCRO-DR, recycled CG).
import { InvalidArgumentError } from '../errors.js';
import type { RecycleDecision } from '../solvers/recycle-option.js';

export type { RecycleDecision };

export interface RecyclePolicyOptions {
  /**
   * solves that recycle at the start, to build and try the space (default 1, >= 1); the first
   * has no space to use, so it is measured as a solve without recycling
   */
  warmup?: number;
  /**
   * the choice not in use is tried again after this many solves (default 8, >= 2), an interval
   * doubled by every probe that confirms the choice and stretched by how far the other choice lags
   * (reset when a probe flips the choice)
   */
  probeEvery?: number;
  /**
   * weight of the newest measurement in the moving averages (default 0.7, in (0, 1]): iterations
   * drift along a sequence (a Galerkin guess improves with the solutions it has), so the two
   * choices, measured at different solves, are compared on recent figures
   */
  weight?: number;
  /** the time source in ms (default performance.now); tests inject a deterministic one */
  clock?: () => number;
}

/** the longest run of solves without a probe (drift is still checked now and then) */
const MAX_INTERVAL = 64;

interface Arm {
  msPerIteration: number | null;
  iterations: number | null;
}

/**
 * One policy a session: `begin()` before a solve says whether to recycle, `end(iterations)`
 * after it records the measurement and returns the decision for the result. The warm-up solves
 * are not measured: their space is still being built (and the first solves of a sequence are the
 * hardest), so they show neither choice.
 */
export class RecyclePolicy {
  private readonly warmup: number;
  private readonly probeEvery: number;
  private readonly weight: number;
  private readonly clock: () => number;
  private readonly on: Arm = { msPerIteration: null, iterations: null };
  private readonly off: Arm = { msPerIteration: null, iterations: null };
  private solves = 0;
  private since = 0; // solves since the last probe
  private confirmed = 0; // probes in a row that did not change the choice
  private choice = true; // the choice in use outside probes
  private lag = 1; // predicted cost of the other choice / of the one in use
  private bothSeen = false;
  private current: { recycled: boolean; state: RecycleDecision['state']; t0: number } | null = null;

  constructor(options: RecyclePolicyOptions = {}) {
    const { warmup = 1, probeEvery = 8, weight = 0.7, clock = () => performance.now() } = options;
    if (!Number.isInteger(warmup) || warmup < 1) throw new InvalidArgumentError(`RecyclePolicy: warmup must be an integer >= 1, got ${String(warmup)}`);
    if (!Number.isInteger(probeEvery) || probeEvery < 2) throw new InvalidArgumentError(`RecyclePolicy: probeEvery must be an integer >= 2, got ${String(probeEvery)}`);
    if (!(weight > 0 && weight <= 1)) throw new InvalidArgumentError(`RecyclePolicy: weight must be in (0, 1], got ${String(weight)}`);
    if (typeof clock !== 'function') throw new InvalidArgumentError('RecyclePolicy: clock must be a function returning ms');
    this.warmup = warmup;
    this.probeEvery = probeEvery;
    this.weight = weight;
    this.clock = clock;
  }

  /** Starts a solve; returns true when it should recycle. */
  begin(): boolean {
    let recycled: boolean, state: RecycleDecision['state'];
    if (this.solves < this.warmup) {
      recycled = true;
      state = 'warm-up';
    } else if (this.on.iterations === null || this.off.iterations === null || this.since + 1 >= this.interval()) {
      // a choice never measured (recycling first: the space is fresh), or time to try the other again
      recycled = this.on.iterations === null ? true : this.off.iterations === null ? false : !this.choice;
      state = 'probe';
    } else {
      recycled = this.choice;
      state = recycled ? 'on' : 'off';
    }
    this.current = { recycled, state, t0: this.clock() };
    return recycled;
  }

  /** Ends the solve begun last with its iteration count; returns what was decided and why. */
  end(iterations: number): RecycleDecision {
    const cur = this.current;
    if (!cur) throw new InvalidArgumentError('RecyclePolicy.end() without begin()');
    this.current = null;
    const ms = Math.max(0, this.clock() - cur.t0);
    // the first solve had no space to use: a solve without recycling (its time includes building
    // the space, which errs towards trying recycling; the first solve without it corrects that)
    const first = this.solves === 0;
    const measured = cur.state !== 'warm-up' || first;
    if (measured && iterations > 0) {
      const arm = cur.recycled && !first ? this.on : this.off;
      const w = this.weight;
      arm.msPerIteration = arm.msPerIteration === null ? ms / iterations : (1 - w) * arm.msPerIteration + (w * ms) / iterations;
      arm.iterations = arm.iterations === null ? iterations : (1 - w) * arm.iterations + w * iterations;
    }
    this.solves++;
    this.since = cur.state === 'probe' ? 0 : this.since + 1;
    const costOn = this.cost(this.on), costOff = this.cost(this.off);
    if (costOn !== null && costOff !== null) {
      const choice = costOn < costOff;
      // back-off: only a probe of a choice measured before counts as evidence for the one in use
      if (cur.state === 'probe' && this.bothSeen) this.confirmed = choice === this.choice ? this.confirmed + 1 : 0;
      this.choice = choice;
      this.lag = Math.max(costOn, costOff) / Math.max(Math.min(costOn, costOff), Number.MIN_VALUE);
      this.bothSeen = true;
    }
    return {
      recycled: cur.recycled,
      state: cur.state,
      reason: this.explain(cur, costOn, costOff),
      msPerIteration: { on: this.on.msPerIteration, off: this.off.msPerIteration },
      iterations: { on: this.on.iterations, off: this.off.iterations },
    };
  }

  /** Whether solves recycle now (outside warm-up and probes). */
  get recycling(): boolean {
    return this.choice;
  }

  /** solves between probes: probeEvery, doubled per confirming probe, times the other choice's lag */
  private interval(): number {
    return Math.min(MAX_INTERVAL, this.probeEvery * 2 ** Math.min(this.confirmed, 16) * Math.min(this.lag, MAX_INTERVAL));
  }

  private cost(a: Arm): number | null {
    return a.msPerIteration === null || a.iterations === null ? null : a.msPerIteration * a.iterations;
  }

  private explain(cur: { recycled: boolean; state: RecycleDecision['state'] }, on: number | null, off: number | null): string {
    const f = (x: number) => x.toPrecision(3);
    const it = (x: number) => String(Math.round(x * 10) / 10);
    const figures = on !== null && off !== null
      ? `predicted ${f(on)} ms a solve with recycling (${it(this.on.iterations!)} iterations x ${f(this.on.msPerIteration!)} ms) ` +
        `against ${f(off)} ms without (${it(this.off.iterations!)} x ${f(this.off.msPerIteration!)} ms)`
      : 'not yet measured both ways';
    switch (cur.state) {
      case 'warm-up': return `warm-up: recycling while the space is built and tried; ${figures}`;
      case 'probe': return `probe: ${cur.recycled ? 'recycling' : 'no recycling'} tried again to refresh its measurement; ${figures}`;
      case 'on': return `recycling pays: ${figures}`;
      default: return `recycling does not pay: ${figures}`;
    }
  }
}
