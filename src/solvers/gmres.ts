import type { InnerResult, KrylovContext } from './context.js';
import { defineMethod, integerOption, type MethodWorkspace } from './method.js';
import { BlockGramSchmidt } from './orthogonalize.js';

/** Small dense state of one GMRES cycle, kept between solves so a solve allocates nothing. */
export class GmresState {
  readonly H: Float64Array; // (m+1) x m, column-major
  readonly cs: Float64Array;
  readonly sn: Float64Array;
  readonly g: Float64Array;
  readonly y: Float64Array;
  constructor(readonly m: number) {
    this.H = new Float64Array((m + 1) * m);
    this.cs = new Float64Array(m);
    this.sn = new Float64Array(m);
    this.g = new Float64Array(m + 1);
    this.y = new Float64Array(m);
  }
}

/** the restart length used: at most n (a larger Krylov space cannot exist) */
const cycleLength = (n: number, restart: number) => Math.min(restart, Math.max(1, n));

export const gmres = defineMethod({
  name: 'gmres',
  summary: 'restarted GMRES(m), right-preconditioned (any A; a least-squares answer on singular ones)',
  residualKind: 'gmres-estimate',
  requires: { matrix: 'any', preconditioner: 'any', nonsingular: false },
  options: { restart: integerOption(30, 1, 'GMRES restart length m (the basis holds m + 1 vectors)') },
  // z, u; the basis V (m + 1 columns); h and y (m + 1 float64s each)
  workspace: (n, o) => {
    const m = cycleLength(n, o.restart);
    return { vectors: 2, blocks: [m + 1], scratch: 2 * (m + 1) };
  },
  state: (n, o) => new GmresState(cycleLength(n, o.restart)),
  run: (ctx, ws: MethodWorkspace<GmresState>) => {
    const m = ws.state.m;
    return runGmres(ctx, ws.state, ws.blocks[0], ws.vectors[0], ws.vectors[1], ws.scratch, ws.scratch + (m + 1) * 8);
  },
});

/**
 * A new Arnoldi vector w = A M^-1 v_j whose part outside the Krylov space (h_{j+1,j}) is below
 * this fraction of ||w|| lies in the space to rounding: the space is invariant. Likewise a column
 * of the triangular factor whose diagonal is below it depends on the previous columns.
 */
const DEPENDENT = 1e-12;

/**
 * One cycle of GMRES(m) with right preconditioning, from the residual in ctx.r: Arnoldi with
 * block classical Gram-Schmidt, reorthogonalized where needed (orthogonalize.ts), Givens rotations
 * on the Hessenberg matrix, then x += M^-1 V y. V holds m+1 basis vectors contiguously; h and yw
 * are m+1 float64s in wasm.
 *
 * Breakdown (the Krylov space becomes invariant, h_{j+1,j} ~ 0): if the new column of the
 * triangular factor R is independent of the previous ones, the least-squares solution is exact in
 * the space (a happy breakdown) and the cycle ends there. If it depends on them (A M^-1 is
 * singular on the space), that column is dropped and y is the least-squares solution on the
 * independent columns (the leading columns of an unreduced Hessenberg matrix are independent, so
 * only the last one can be dependent): the best iterate of the cycle, which is what SciPy returns
 * on singular systems. A cycle that drops its first column cannot reduce the residual: 'breakdown'.
 * Finally the update is checked against the true residual and refused if it would raise it, so an
 * ill-conditioned small problem never returns an x worse than the cycle's start.
 */
export function runGmres(
  ctx: KrylovContext, st: GmresState, V: number, z: number, u: number, h: number, yw: number,
): InnerResult {
  const { k, n, x, r, rt } = ctx;
  const { m, H, cs, sn, g, y } = st;
  const beta = ctx.norm(r);
  if (!Number.isFinite(beta)) return { status: 'nan-or-inf', detail: 'the residual is not finite' };
  if (beta <= ctx.target) return { status: 'converged' };
  k.copy(n, r, V);
  scaleBy(ctx, V, beta);
  g.fill(0);
  g[0] = beta;
  let j = 0;
  let status: InnerResult['status'] = 'restart';
  let detail: string | undefined;
  const stride = n * 8;
  // always twice: preconditioned Arnoldi needs the second pass in ~99% of steps anyway
  // (bench/results/block.md), and two passes are safe without a heuristic test
  const gs = new BlockGramSchmidt(k, n, 'always');
  while (j < m) {
    if (ctx.exhausted()) { status = 'max-iterations'; break; }
    const vj = V + j * stride, w = V + (j + 1) * stride;
    ctx.precond(vj, z);
    ctx.spmv(z, w);
    const hn = gs.orthogonalize(V, j + 1, w, h, yw); // yw is free until the cycle's end
    const hv = rt.f64(h, j + 1);
    const col = j * (m + 1);
    H[col + j + 1] = hn;
    let big = hn;
    for (let i = 0; i <= j; i++) {
      H[col + i] = hv[i];
      big = Math.max(big, Math.abs(hv[i]));
    }
    if (!Number.isFinite(big)) { status = 'nan-or-inf'; detail = 'the Arnoldi vector is not finite'; break; }
    // ||w|| before the orthogonalization, by Pythagoras (scaled: the squares must not overflow)
    let sq = (hn / (big || 1)) ** 2;
    for (let i = 0; i <= j; i++) sq += (hv[i] / (big || 1)) ** 2;
    const tiny = DEPENDENT * big * Math.sqrt(sq);
    const invariant = !(hn > tiny); // also when A M^-1 v_j = 0
    if (!invariant) scaleBy(ctx, w, hn); // else w is rounding noise: never a basis vector
    // previous rotations, then a new one that zeroes H[j+1, j]
    for (let i = 0; i < j; i++) {
      const a = H[col + i], b = H[col + i + 1];
      H[col + i] = cs[i] * a + sn[i] * b;
      H[col + i + 1] = -sn[i] * a + cs[i] * b;
    }
    const a = H[col + j];
    const d = Math.hypot(a, hn);
    if (invariant && !(d > tiny)) {
      // A M^-1 v_j depends on A M^-1 v_0..v_{j-1}: A M^-1 is singular on the Krylov space. Drop
      // the column; g (not rotated) keeps the least-squares residual |g_j| of the first j columns.
      const res = Math.abs(g[j]);
      if (ctx.tick(res)) { status = 'aborted'; break; } // the product was computed: it counts
      if (res <= ctx.target) status = 'converged';
      else if (j > 0 && res < beta) status = 'restart'; // progress: go on from the new residual
      else {
        status = 'breakdown';
        detail = j === 0
          ? 'GMRES breakdown: A M^-1 maps the residual to zero (to rounding): A M^-1 is singular and no Krylov step ' +
            'can reduce the residual further; x is the best iterate found'
          : `GMRES breakdown: A M^-1 is singular on the Krylov space (step ${ctx.iterations} depends on the previous ones) ` +
            'and the residual did not decrease; x is the best iterate found';
      }
      break;
    }
    cs[j] = a / d;
    sn[j] = hn / d;
    H[col + j] = d;
    H[col + j + 1] = 0;
    g[j + 1] = -sn[j] * g[j];
    g[j] = cs[j] * g[j];
    j++;
    const res = Math.abs(g[j]);
    if (ctx.tick(res)) { status = 'aborted'; break; }
    if (res <= ctx.target) { status = 'converged'; break; }
    // invariant space and R nonsingular: the solution is exact in it up to rounding, which a
    // restart from the true residual takes care of
    if (invariant) { status = 'restart'; break; }
  }
  if (j === 0) return { status, detail };
  // back substitution R y = g, R upper triangular j x j with every diagonal entry > tiny
  for (let i = j - 1; i >= 0; i--) {
    let s = g[i];
    for (let l = i + 1; l < j; l++) s -= H[l * (m + 1) + i] * y[l];
    y[i] = s / H[i * (m + 1) + i];
  }
  rt.f64(yw, j).set(y.subarray(0, j));
  k.fill(n, 0, u);
  k.combine(n, j, V, yw, u);
  ctx.precond(u, z);
  // the basis is no longer needed: V_0 = A z and V_1 = r - A z, the residual after the update
  const t = V, rNew = V + stride;
  ctx.spmv(z, t);
  k.sub(n, r, t, rNew);
  const after = ctx.norm(rNew);
  if (after < beta) {
    k.axpy(n, 1, z, x);
  } else if (status === 'restart' || status === 'converged') {
    // no decrease: x is kept, the residual is the same, and a restart would repeat this very cycle
    status = 'breakdown';
    detail = after <= beta * (1 + 1e-6)
      ? `GMRES(${m}) stagnated: a whole cycle could not reduce the residual, and a restart would repeat it exactly; ` +
        'a larger restart, a better preconditioner or another method may help'
      : `GMRES breakdown: the least-squares update would raise the residual by a factor ${(after / beta).toPrecision(3)}: ` +
        'the Arnoldi relation A M^-1 V = V H has lost its accuracy (an unstable preconditioner or a very ill-conditioned ' +
        'matrix); x is kept';
  }
  return { status, detail };
}

/** v /= s, safe for tiny s (1/s would overflow) */
export function scaleBy(ctx: KrylovContext, v: number, s: number): void {
  if (s >= 1e-300) ctx.k.scal(ctx.n, 1 / s, v);
  else {
    ctx.k.scal(ctx.n, 1e300, v);
    ctx.k.scal(ctx.n, 1 / (s * 1e300), v);
  }
}
