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
 * importance-weighted loss estimate added to the played arm. s is the running mean of
 * (cost - 1), so eta means the same for 10 or 10,000 iterations per solve. The estimate is the
 * reduced-variance one, (c - B) / p_i with the baseline B the mean cost of the earlier rounds: a
 * shift common to all arms leaves p unchanged and the estimate unbiased, but it no longer
 * punishes every played arm by ~ mean / p (with B = 0 the cheap arms, played often, pile up loss
 * as fast as the others and learning is slow; measured on the bench's 1,000 SSOR systems over 20
 * arms: 13.4% above the best fixed arm with B = 0, 9.4% with B = the mean). Regret against the
 * best fixed arm is O(sqrt(K T)); `probabilities` is exposed for tests and traces.
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
    // the baseline from earlier rounds only (chosen before this round's arm, so still unbiased)
    const baseline = this.t > 0 ? this.costSum / this.t : c;
    this.t++;
    this.costSum += c;
    this.loss[this.played] += (c - baseline) / this.probabilities[this.played];
    this.played = -1;
  }
}

/** Chebyshev T_0..T_degree of u in [-1, 1] into out[at..]. */
function chebyshev(u: number, degree: number, out: Float64Array, at: number): void {
  out[at] = 1;
  if (degree >= 1) out[at + 1] = u;
  for (let j = 2; j <= degree; j++) out[at + j] = 2 * u * out[at + j - 1] - out[at + j - 2];
}

/**
 * A model-based learner, contextual when each system comes with a context vector (ChebCB's
 * setting in Learning to Relax) and usable without one. One ridge regression of log(cost) on
 * the tensor product of Chebyshev features of the arm's value (T_0..T_armDegree, the grid mapped
 * onto [-1, 1]) and of the context (1 and T_1..T_degree of each coordinate mapped onto [-1, 1]
 * by the given ranges), plus a per-arm residual (the context features again, one block per arm,
 * under a stronger ridge `residualLambda`), played optimistically: the arm with the lowest
 * predicted log cost minus `beta` times its standard error (LinUCB for costs). The smooth part
 * generalises across arms early; the residual lets each arm's own data correct the polynomial
 * where the cost is not smooth in omega (a kink), so the learner does not settle on an arm the
 * polynomial misjudges (without it: 6% above the best arm after 1,000 rounds of a kinked cost
 * table, where it was 4% after 300).
 * Why one model over all arms and not one per arm: the cost of a relaxation factor varies
 * smoothly with it, so every solve teaches about the neighbouring factors too; per-arm models
 * must first try every arm in every region of the context. Measured on the bench's SSOR sequence
 * (20 arms in [1, 1.95]): 7% above the best fixed arm after 100 systems, against 15% per arm.
 * Why log(cost): relaxation scales iteration counts by a factor, so in logs the effects of the
 * arm and of the context add and a low degree fits; beta is then relative and scale-free.
 * Deterministic (no random choices). Choosing costs O(f^3 + arms f^2), f the feature count.
 */
export class ContextualLearner implements ArmLearner {
  readonly arms: number;
  private readonly ranges: ReadonlyArray<readonly [number, number]>;
  private readonly degree: number;
  private readonly armDegree: number;
  private readonly beta: number;
  /** the arms' features T_0..T_armDegree, arms x (armDegree + 1) */
  private readonly armFeatures: Float64Array;
  private readonly contextFeatures: number;
  /** features of the smooth part (arm x context); then one block of context features per arm */
  private readonly smooth: number;
  private readonly features: number;
  /** the Gram matrix V = lambda I + sum phi phi^T (row-major) and r = sum log(c) phi */
  private readonly V: Float64Array;
  private readonly r: Float64Array;
  private readonly g: Float64Array;
  private readonly phi: Float64Array;
  private readonly L: Float64Array;
  private readonly theta: Float64Array;
  private readonly y: Float64Array;
  private readonly chosenPhi: Float64Array;
  private played = -1;

  /**
   * @param arms the number of arms
   * @param ranges [lo, hi] per context coordinate (empty: no context)
   * @param options degree (of each context coordinate, default 2), armDegree (default
   *   min(4, arms - 1)), armValues (the arms' positions, e.g. the omega grid; default evenly
   *   spaced), beta (optimism in log-cost units, default 0.5), lambda (ridge, default 1)
   */
  constructor(
    arms: number, ranges: ReadonlyArray<readonly [number, number]> = [],
    options: { degree?: number; armDegree?: number; armValues?: readonly number[]; beta?: number; lambda?: number; residualLambda?: number } = {},
  ) {
    if (!Number.isInteger(arms) || arms < 1) throw new InvalidArgumentError(`ContextualLearner: arms must be an integer >= 1, got ${arms}`);
    this.arms = arms;
    this.ranges = ranges;
    this.degree = options.degree ?? 2;
    this.armDegree = Math.min(options.armDegree ?? 4, arms - 1);
    this.beta = options.beta ?? 0.5;
    const lambda = options.lambda ?? 1;
    const residualLambda = options.residualLambda ?? 4;
    if (!Number.isInteger(this.degree) || this.degree < 1 || !Number.isInteger(this.armDegree) || this.armDegree < 0) {
      throw new InvalidArgumentError(`ContextualLearner: degree must be an integer >= 1 and armDegree >= 0, got ${this.degree} and ${this.armDegree}`);
    }
    if (!(this.beta >= 0) || !(lambda > 0) || !(residualLambda > 0)) {
      throw new InvalidArgumentError(`ContextualLearner: need beta >= 0, lambda > 0 and residualLambda > 0, got ${this.beta}, ${lambda} and ${residualLambda}`);
    }
    const values = options.armValues ?? Array.from({ length: arms }, (_, a) => a);
    if (values.length !== arms) throw new InvalidArgumentError(`ContextualLearner: armValues has ${values.length} entries, expected ${arms}`);
    for (const [d, range] of ranges.entries()) {
      if (!Array.isArray(range) || range.length !== 2 || !Number.isFinite(range[0]) || !Number.isFinite(range[1])) {
        throw new InvalidArgumentError(`ContextualLearner: context range ${d} must be [lo, hi] of finite numbers`);
      }
    }
    let lo = Infinity, hi = -Infinity;
    for (const v of values) {
      if (!Number.isFinite(v)) throw new NonFiniteValueError(`ContextualLearner: armValues has ${v}`);
      lo = Math.min(lo, v); hi = Math.max(hi, v);
    }
    const ad = this.armDegree + 1;
    this.armFeatures = new Float64Array(arms * ad);
    for (let a = 0; a < arms; a++) chebyshev(hi > lo ? (2 * (values[a] - lo)) / (hi - lo) - 1 : 0, this.armDegree, this.armFeatures, a * ad);
    this.contextFeatures = 1 + ranges.length * this.degree;
    this.smooth = ad * this.contextFeatures;
    const f = (this.features = this.smooth + arms * this.contextFeatures);
    this.V = new Float64Array(f * f);
    for (let i = 0; i < f; i++) this.V[i * f + i] = i < this.smooth ? lambda : residualLambda;
    this.r = new Float64Array(f);
    this.g = new Float64Array(this.contextFeatures);
    this.phi = new Float64Array(f);
    this.L = new Float64Array(f * f);
    this.theta = new Float64Array(f);
    this.y = new Float64Array(f);
    this.chosenPhi = new Float64Array(f);
  }

  /** The context's features into g: 1, then T_1..T_degree per coordinate. */
  private featurize(context: ArrayLike<number> | undefined): void {
    const D = this.ranges.length;
    if (D > 0 && !context) throw new InvalidArgumentError('ContextualLearner: choose() needs a context');
    const len = context ? context.length : 0;
    if (len !== D) throw new InvalidArgumentError(`ContextualLearner: context has ${len} entries, expected ${D}`);
    const g = this.g, tmp = this.y;
    g[0] = 1;
    for (let d = 0; d < D; d++) {
      const c = context![d];
      if (!Number.isFinite(c)) throw new NonFiniteValueError(`ContextualLearner: context[${d}] is ${c}`);
      const [lo, hi] = this.ranges[d];
      const u = hi > lo ? Math.max(-1, Math.min(1, (2 * (c - lo)) / (hi - lo) - 1)) : 0;
      chebyshev(u, this.degree, tmp, 0);
      for (let j = 1; j <= this.degree; j++) g[1 + d * this.degree + j - 1] = tmp[j];
    }
  }

  /** phi = [(arm features) x g, the arm's residual block = g, other arms' blocks = 0] */
  private joint(arm: number): void {
    const ad = this.armDegree + 1, cf = this.contextFeatures, phi = this.phi, g = this.g;
    for (let i = 0; i < ad; i++) {
      const h = this.armFeatures[arm * ad + i];
      for (let j = 0; j < cf; j++) phi[i * cf + j] = h * g[j];
    }
    phi.fill(0, this.smooth);
    for (let j = 0; j < cf; j++) phi[this.smooth + arm * cf + j] = g[j];
  }

  /** Cholesky factor of V into L (V is SPD: lambda I plus outer products). */
  private factor(): void {
    const f = this.features, V = this.V, L = this.L;
    for (let i = 0; i < f; i++) {
      for (let j = 0; j <= i; j++) {
        let s = V[i * f + j];
        for (let k = 0; k < j; k++) s -= L[i * f + k] * L[j * f + k];
        L[i * f + j] = i === j ? Math.sqrt(Math.max(s, 1e-300)) : s / L[j * f + j];
      }
    }
  }

  /** y = L^-1 v (forward substitution). */
  private forward(v: Float64Array): void {
    const f = this.features, L = this.L, y = this.y;
    for (let i = 0; i < f; i++) {
      let s = v[i];
      for (let k = 0; k < i; k++) s -= L[i * f + k] * y[k];
      y[i] = s / L[i * f + i];
    }
  }

  choose(context?: ArrayLike<number>): number {
    this.featurize(context);
    this.factor();
    const f = this.features, L = this.L, theta = this.theta, y = this.y;
    // theta = V^-1 r = L^-T (L^-1 r)
    this.forward(this.r);
    for (let i = f - 1; i >= 0; i--) {
      let s = y[i];
      for (let k = i + 1; k < f; k++) s -= L[k * f + i] * theta[k];
      theta[i] = s / L[i * f + i];
    }
    let best = Infinity, arm = 0;
    for (let a = 0; a < this.arms; a++) {
      this.joint(a);
      let mean = 0;
      for (let i = 0; i < f; i++) mean += theta[i] * this.phi[i];
      // phi^T V^-1 phi = ||L^-1 phi||^2
      this.forward(this.phi);
      let width = 0;
      for (let i = 0; i < f; i++) width += y[i] * y[i];
      const score = mean - this.beta * Math.sqrt(width);
      if (score < best) { best = score; arm = a; }
    }
    this.joint(arm);
    this.chosenPhi.set(this.phi);
    this.played = arm;
    return arm;
  }

  observe(cost: number): void {
    if (this.played < 0) throw new InvalidArgumentError('ContextualLearner: observe() before choose()');
    if (!Number.isFinite(cost) || cost < 0) throw new NonFiniteValueError(`ContextualLearner: cost must be a finite number >= 0, got ${cost}`);
    const c = Math.log(Math.max(cost, 1));
    const f = this.features, V = this.V, r = this.r, phi = this.chosenPhi;
    for (let i = 0; i < f; i++) {
      r[i] += c * phi[i];
      for (let j = 0; j < f; j++) V[i * f + j] += phi[i] * phi[j];
    }
    this.played = -1;
  }
}
