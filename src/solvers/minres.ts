import type { InnerResult, KrylovContext } from './context.js';
import { vectorMethod } from './method.js';

/** Work vectors: r1, r2, y, v, w, w1, w2. */
export const MINRES_VECTORS = 7;

export const minres = vectorMethod({
  name: 'minres',
  summary: 'MINRES (symmetric A, possibly indefinite or singular; SPD preconditioner)',
  residualKind: 'minres-estimate',
  requires: { matrix: 'symmetric', preconditioner: 'spd-strict', nonsingular: false },
  vectors: MINRES_VECTORS,
  run: runMinres,
});

/** the least-squares test's tolerance: never looser than 1e-10, never below the rounding level */
const LSQ_MAX = 1e-10, LSQ_MIN = 8 * Number.EPSILON;

/**
 * MINRES (Paige-Saunders) for symmetric, possibly indefinite or singular A with a symmetric
 * positive definite preconditioner M, from the residual in ctx.r. The estimate phibar is
 * ||r||_{M^-1}.
 *
 * Singular systems: when the residual r of x is (to rounding) orthogonal to the range of A,
 * ||A r|| <= tol ||A|| ||r|| with ||A r|| / ||r|| = hypot(gbar, dbar) and ||A|| ~ ||T_k||_F (Paige
 * and Saunders' least-squares test; tol = rtol kept within [LSQ_MIN, LSQ_MAX], so a consistent
 * but ill-conditioned system is not cut short below cond ~ 1e10), no step can lower the residual:
 * x is a minimum-residual (least-squares) solution and the run stops there with status
 * 'breakdown', before the recurrence divides by gamma ~ 0 (the exact case: beta = 0, the Krylov
 * space is invariant, and T_k is singular on it) or drifts on rounding noise.
 */
export function runMinres(ctx: KrylovContext, work: readonly number[]): InnerResult {
  const { k, n, x, r } = ctx;
  let [r1, r2, yv, v, w, w1, w2] = work;
  k.copy(n, r, r1);
  ctx.precond(r1, yv);
  const ry = ctx.dot(r1, yv);
  if (!Number.isFinite(ry)) return { status: 'nan-or-inf', detail: 'r.M^-1 r is not finite' };
  const r0 = ctx.norm(r1);
  if (r0 <= ctx.target) return { status: 'converged' };
  if (ry < 0) {
    // a residual that vanished below the rounding level makes the sign of r.M^-1 r noise
    if (r0 <= Number.EPSILON * ctx.bnorm) return { status: 'converged' };
    return { status: 'indefinite-preconditioner', detail: `r.M^-1 r = ${ry.toExponential(3)} < 0: MINRES needs an SPD preconditioner` };
  }
  let beta = Math.sqrt(ry);
  if (beta === 0) return { status: 'converged' };
  // phibar is ||r||_{M^-1}, the target a 2-norm: compare relative reductions (a Jacobi M of a
  // matrix scaled by 1e300 makes the two norms differ by 1e150)
  const toTwoNorm = r0 / beta;
  k.copy(n, r1, r2);
  k.fill(n, 0, w);
  k.fill(n, 0, w2);
  let oldb = 0, dbar = 0, epsln = 0, phibar = beta, cs = -1, sn = 0, tnorm = 0;
  let itn = 0;
  for (;;) {
    if (ctx.exhausted()) return { status: 'max-iterations' };
    itn++;
    const s = 1 / beta;
    k.copy(n, yv, v);
    k.scal(n, s, v); // v = y / beta
    ctx.spmv(v, yv);
    if (itn >= 2) k.axpy(n, -beta / oldb, r1, yv);
    const alfa = ctx.dot(v, yv);
    k.axpy(n, -alfa / beta, r2, yv);
    // r1 <- r2, r2 <- y, and the old r1 buffer becomes the next y
    const t = r1; r1 = r2; r2 = yv; yv = t;
    ctx.precond(r2, yv);
    oldb = beta;
    let b2 = ctx.dot(r2, yv);
    if (!Number.isFinite(b2) || !Number.isFinite(alfa)) return { status: 'nan-or-inf', detail: 'the Lanczos recurrence is not finite' };
    // ||T_k||_F, by hypot so that entries above 1e154 do not overflow it; beta_1 = ||r0|| is not
    // an entry of T (counting it, as SciPy does, makes the estimate scale with b and the tests
    // below fire at once for a large b)
    tnorm = Math.hypot(tnorm, alfa, itn > 1 ? oldb : 0, Math.sqrt(Math.max(b2, 0)));
    const small = Number.EPSILON * tnorm; // rounding level of T_k
    if (b2 < 0) {
      if (Math.sqrt(-b2) > small) {
        return { status: 'indefinite-preconditioner', detail: `r.M^-1 r = ${b2.toExponential(3)} < 0: MINRES needs an SPD preconditioner` };
      }
      b2 = 0; // rounding noise of a vanished Lanczos vector
    }
    beta = Math.sqrt(b2);
    const exhausted = beta <= small; // the Krylov space is invariant (to rounding)
    if (exhausted) beta = 0;
    const oldeps = epsln;
    const delta = cs * dbar + sn * alfa;
    const gbar = sn * dbar - cs * alfa;
    const gamma = Math.hypot(gbar, beta);
    const dbarNext = -cs * beta;
    // ||A r|| / ||r|| for the residual r of the current x, relative to ||A||
    const test2 = Math.hypot(gbar, dbarNext) / tnorm;
    const lsqTol = Math.min(Math.max(ctx.target / ctx.bnorm, LSQ_MIN), LSQ_MAX);
    if (gamma <= small || test2 <= lsqTol) {
      // T_k is singular on the Krylov space (exactly: beta = 0 and gbar = 0): the residual
      // cannot go below phibar; x (the iterate of step k-1) is the minimum-residual solution
      if (ctx.tick(Math.abs(phibar))) return { status: 'aborted' };
      return {
        status: 'breakdown',
        detail: (exhausted
          ? 'MINRES exhausted the Krylov space (beta = 0) and A is singular on it'
          : `MINRES found ||A r|| <= ${lsqTol.toExponential(0)} ||A|| ||r|| for the residual r: A is singular or nearly so`) +
          `: x is the minimum-residual (least-squares) solution, residual estimate ${Math.abs(phibar).toExponential(3)}; ` +
          'b has a part outside the range of A',
      };
    }
    epsln = sn * beta;
    dbar = dbarNext;
    cs = gbar / gamma;
    sn = beta / gamma;
    const phi = cs * phibar;
    phibar = sn * phibar;
    // w = (v - oldeps w1 - delta w2) / gamma, with the buffers rotated w1 <- w2 <- w
    const tw = w1; w1 = w2; w2 = w; w = tw;
    k.copy(n, v, w);
    k.axpy(n, -oldeps, w1, w);
    k.axpy(n, -delta, w2, w);
    k.scal(n, 1 / gamma, w);
    k.axpy(n, phi, w, x);
    const est = Math.abs(phibar);
    if (ctx.tick(est)) return { status: 'aborted' };
    if (!Number.isFinite(est) || !Number.isFinite(phi)) return { status: 'nan-or-inf', detail: 'the MINRES rotation is not finite' };
    if (est * toTwoNorm <= ctx.target) return { status: 'converged' };
    // Lanczos found an invariant subspace and T_k is nonsingular on it: x is exact in it
    if (exhausted) return { status: 'converged' };
  }
}
