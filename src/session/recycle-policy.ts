// recycle: 'auto': recycling runs only where it pays. Recycling lowers the iterations of a solve
// and raises the cost of each (GCRO-DR orthogonalizes against C, Def-CG projects every direction,
// harvests and A W cost k products); with a strong preconditioner and few iterations a system,
// the second can outweigh the first (Belos GCRO-DR on such a sequence: more iterations and 3x the
// time of GMRES). So the policy measures both sides, ms per iteration and iterations per solve,
// with and without recycling, and picks the smaller predicted cost (iterations x ms per
// iteration), trying the other choice again now and then (the sequence drifts).
// Used by the session for every method whose `recycle` option is 'auto' (GCRO-DR, recycled CG).
import { InvalidArgumentError } from '../errors.js';
import type { RecycleDecision } from '../solvers/recycle-option.js';

export type { RecycleDecision };

export interface RecyclePolicyOptions {
  /** solves that recycle at the start, to build and try the space (default 2, >= 1) */
  warmup?: number;
  /** every this many solves, the choice not in use is tried once (default 8, >= 2) */
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
  private choice = true; // the choice in use outside probes
  private current: { recycled: boolean; state: RecycleDecision['state']; t0: number } | null = null;

  constructor(options: RecyclePolicyOptions = {}) {
    const { warmup = 2, probeEvery = 8, weight = 0.7, clock = () => performance.now() } = options;
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
    } else if (this.off.iterations === null || this.since + 1 >= this.probeEvery) {
      // never measured without recycling, or time to try the other choice again
      recycled = this.off.iterations === null ? false : !this.choice;
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
    const measured = cur.state !== 'warm-up';
    if (measured && iterations > 0) {
      const arm = cur.recycled ? this.on : this.off;
      const w = this.weight;
      arm.msPerIteration = arm.msPerIteration === null ? ms / iterations : (1 - w) * arm.msPerIteration + (w * ms) / iterations;
      arm.iterations = arm.iterations === null ? iterations : (1 - w) * arm.iterations + w * iterations;
    }
    this.solves++;
    this.since = cur.state === 'probe' ? 0 : this.since + 1;
    const costOn = this.cost(this.on), costOff = this.cost(this.off);
    if (costOn !== null && costOff !== null) this.choice = costOn < costOff;
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
