// Online choice of a relaxation factor from observed costs (Learning to Relax, Khodak et al.,
// ICLR 2024): Tsallis-INF over a grid when nothing is known about a system, a contextual
// learner when each system comes with a context vector.
import { InvalidArgumentError, NonFiniteValueError } from '../errors.js';
import { seededRandom } from './generators.js';

/** A learner that picks an arm (index into the grid) per round and is told the cost it paid. */
export interface ArmLearner {
  readonly arms: number;
  /** the arm to play this round; `context` only for contextual learners */
  choose(context?: ArrayLike<number>): number;
  /** the cost (e.g. iterations) of the arm just played */
  observe(cost: number): void;
}

/**
 * Tsallis-INF (the 1/2-Tsallis-entropy regularised bandit of Zimmert and Seldin, as Learning to
 * Relax uses it): learning rate eta = 2 / sqrt(t), play probabilities
 * p_i = 4 / (eta (L_i / s - x))^2 with x set by Newton's method so that they sum to 1, and an
 * importance-weighted loss estimate (c - 1) / p_i added to the played arm. s is the running mean
 * of (cost - 1), so eta means the same for 10 or 10,000 iterations per solve. Regret against
 * the best fixed arm is O(sqrt(K T)); `probabilities` is exposed for tests and traces.
 */
export class TsallisInf implements ArmLearner {
  readonly arms: number;
  readonly probabilities: Float64Array;
  private readonly loss: Float64Array;
  private readonly random: () => number;
  private t = 0;
  private played = -1;
  private costSum = 0;

  constructor(arms: number, seed = 1) {
    if (!Number.isInteger(arms) || arms < 1) throw new InvalidArgumentError(`TsallisInf: arms must be an integer >= 1, got ${arms}`);
    this.arms = arms;
    this.loss = new Float64Array(arms);
    this.probabilities = new Float64Array(arms).fill(1 / arms);
    this.random = seededRandom(seed);
  }

  private scale(): number {
    // mean observed (cost - 1); 1 before the first observation or when every cost was 1
    return this.t > 0 && this.costSum > 0 ? this.costSum / this.t : 1;
  }

  private updateProbabilities(): void {
    const K = this.arms, p = this.probabilities, s = this.scale();
    const eta = 2 / Math.sqrt(this.t + 1);
    let lmin = Infinity;
    for (let i = 0; i < K; i++) lmin = Math.min(lmin, this.loss[i] / s);
    // sum_i p_i(x) is convex and increasing for x < min L: Newton from x = min L - 2/eta (where
    // the best arm alone has p = 1, so the sum is >= 1) decreases monotonically onto the root
    let x = lmin - 2 / eta;
    for (let it = 0; it < 50; it++) {
      let sum = 0, deriv = 0;
      for (let i = 0; i < K; i++) {
        const q = 4 / (eta * (this.loss[i] / s - x)) ** 2;
        sum += q;
        deriv += eta * q ** 1.5;
      }
      const dx = (sum - 1) / deriv;
      x -= dx;
      if (Math.abs(sum - 1) < 1e-12) break;
    }
    let total = 0;
    for (let i = 0; i < K; i++) total += (p[i] = 4 / (eta * (this.loss[i] / s - x)) ** 2);
    for (let i = 0; i < K; i++) p[i] /= total; // remove Newton's last rounding error
  }

  choose(): number {
    this.updateProbabilities();
    const u = this.random();
    let acc = 0, arm = this.arms - 1;
    for (let i = 0; i < this.arms; i++) {
      acc += this.probabilities[i];
      if (u < acc) { arm = i; break; }
    }
    this.played = arm;
    return arm;
  }

  observe(cost: number): void {
    if (this.played < 0) throw new InvalidArgumentError('TsallisInf: observe() before choose()');
    if (!Number.isFinite(cost) || cost < 0) throw new NonFiniteValueError(`TsallisInf: cost must be a finite number >= 0, got ${cost}`);
    const c = Math.max(cost - 1, 0);
    this.t++;
    this.costSum += c;
    this.loss[this.played] += c / this.probabilities[this.played];
    this.played = -1;
  }
}

/**
 * A contextual learner: per arm, a ridge regression of the cost on Chebyshev features
 * (T_0..T_degree of each context coordinate mapped onto [-1, 1] by the given ranges), played
 * optimistically: the arm with the lowest predicted cost minus `beta` times its standard error
 * (LinUCB for costs). Exploration shrinks as an arm's data grows, so it approaches the best arm
 * per context when the cost varies smoothly with the context (ChebCB's setting in Learning to
 * Relax). Costs are divided by their running mean so beta means the same at any scale.
 */
export class ContextualLearner implements ArmLearner {
  readonly arms: number;
  private readonly ranges: ReadonlyArray<readonly [number, number]>;
  private readonly degree: number;
  private readonly features: number;
  private readonly beta: number;
  /** per arm: the Gram matrix V = lambda I + sum phi phi^T (row-major) and r = sum c phi */
  private readonly V: Float64Array[];
  private readonly r: Float64Array[];
  private readonly phi: Float64Array;
  private readonly work: Float64Array;
  private readonly sol: Float64Array;
  private played = -1;
  private rounds = 0;
  private unit = 1;

  constructor(arms: number, ranges: ReadonlyArray<readonly [number, number]>, options: { degree?: number; beta?: number } = {}) {
    if (!Number.isInteger(arms) || arms < 1) throw new InvalidArgumentError(`ContextualLearner: arms must be an integer >= 1, got ${arms}`);
    this.arms = arms;
    this.ranges = ranges;
    this.degree = options.degree ?? 2;
    this.beta = options.beta ?? 1;
    this.features = 1 + ranges.length * this.degree;
    const f = this.features;
    this.V = Array.from({ length: arms }, () => {
      const v = new Float64Array(f * f);
      for (let i = 0; i < f; i++) v[i * f + i] = 1e-2;
      return v;
    });
    this.r = Array.from({ length: arms }, () => new Float64Array(f));
    this.phi = new Float64Array(f);
    this.work = new Float64Array(f * f);
    this.sol = new Float64Array(f);
  }

  private featurize(context: ArrayLike<number>): void {
    if (context.length !== this.ranges.length) throw new InvalidArgumentError(`ContextualLearner: context has ${context.length} entries, expected ${this.ranges.length}`);
    const phi = this.phi;
    phi[0] = 1;
    let k = 1;
    for (let d = 0; d < this.ranges.length; d++) {
      const [lo, hi] = this.ranges[d];
      const u = hi > lo ? Math.max(-1, Math.min(1, (2 * (context[d] - lo)) / (hi - lo) - 1)) : 0;
      let tPrev = 1, t = u;
      for (let j = 1; j <= this.degree; j++) {
        phi[k++] = t;
        const next = 2 * u * t - tPrev;
        tPrev = t;
        t = next;
      }
    }
  }

  /** Solves V y = rhs (V SPD, f x f) by Cholesky into this.sol; returns false if not SPD. */
  private solve(V: Float64Array, rhs: Float64Array): boolean {
    const f = this.features, L = this.work, y = this.sol;
    for (let i = 0; i < f; i++) {
      for (let j = 0; j <= i; j++) {
        let s = V[i * f + j];
        for (let k = 0; k < j; k++) s -= L[i * f + k] * L[j * f + k];
        if (i === j) {
          if (!(s > 0)) return false;
          L[i * f + i] = Math.sqrt(s);
        } else L[i * f + j] = s / L[j * f + j];
      }
    }
    for (let i = 0; i < f; i++) {
      let s = rhs[i];
      for (let k = 0; k < i; k++) s -= L[i * f + k] * y[k];
      y[i] = s / L[i * f + i];
    }
    for (let i = f - 1; i >= 0; i--) {
      let s = y[i];
      for (let k = i + 1; k < f; k++) s -= L[k * f + i] * y[k];
      y[i] = s / L[i * f + i];
    }
    return true;
  }

  choose(context?: ArrayLike<number>): number {
    if (!context) throw new InvalidArgumentError('ContextualLearner: choose() needs a context');
    this.featurize(context);
    const f = this.features, phi = this.phi;
    const e = new Float64Array(f);
    let best = Infinity, arm = 0;
    for (let a = 0; a < this.arms; a++) {
      if (!this.solve(this.V[a], this.r[a])) continue;
      let mean = 0;
      for (let i = 0; i < f; i++) mean += this.sol[i] * phi[i];
      // phi^T V^-1 phi with V^-1 phi from the same factor
      e.set(phi);
      this.solve(this.V[a], e);
      let width = 0;
      for (let i = 0; i < f; i++) width += phi[i] * this.sol[i];
      const score = mean - this.beta * Math.sqrt(Math.max(width, 0));
      if (score < best) { best = score; arm = a; }
    }
    this.played = arm;
    return arm;
  }

  observe(cost: number): void {
    if (this.played < 0) throw new InvalidArgumentError('ContextualLearner: observe() before choose()');
    if (!Number.isFinite(cost) || cost < 0) throw new NonFiniteValueError(`ContextualLearner: cost must be a finite number >= 0, got ${cost}`);
    this.rounds++;
    // costs relative to the first rounds' mean: a fixed unit keeps earlier data comparable
    if (this.rounds === 1) this.unit = cost > 0 ? cost : 1;
    const c = cost / this.unit;
    const f = this.features, V = this.V[this.played], r = this.r[this.played], phi = this.phi;
    for (let i = 0; i < f; i++) {
      r[i] += c * phi[i];
      for (let j = 0; j < f; j++) V[i * f + j] += phi[i] * phi[j];
    }
    this.played = -1;
  }

}
