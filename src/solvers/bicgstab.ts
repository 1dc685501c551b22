import type { InnerResult, KrylovContext } from './context.js';
import { vectorMethod } from './method.js';

/** Work vectors: rhat, p, v, ph, s, sh, t. */
export const BICGSTAB_VECTORS = 7;

export const bicgstab = vectorMethod({
  name: 'bicgstab',
  summary: 'BiCGSTAB, right-preconditioned (any nonsingular A)',
  residualKind: 'recursive-2-norm',
  requires: { matrix: 'any', preconditioner: 'any', nonsingular: true },
  vectors: BICGSTAB_VECTORS,
  run: runBicgstab,
});

/**
 * BiCGSTAB with right preconditioning (so ctx.r stays the true residual of the recurrence).
 * Breakdown: rho = rhat.r or rhat.v vanishing relative to the norms, or omega = 0. A near
 * breakdown after at least one step of this run restarts the method from the true residual
 * with a new shadow vector rhat = r (status 'restart'); only a breakdown on a fresh start is final.
 */
export function runBicgstab(ctx: KrylovContext, work: readonly number[]): InnerResult {
  const { k, n, x, r } = ctx;
  const [rhat, p, v, ph, s, sh, t] = work;
  const eps = 1e-300;
  let rnorm = ctx.norm(r);
  if (rnorm <= ctx.target) return { status: 'converged' };
  k.copy(n, r, rhat);
  const rhatNorm = rnorm;
  k.fill(n, 0, p);
  k.fill(n, 0, v);
  let rho = 1, alpha = 1, omega = 1;
  let steps = 0;
  // a residual at or below the rounding level (rtol = 0 gets there, often by underflow) makes rho
  // and omega vanish too: that is convergence, not a breakdown
  const broke = (detail: string): InnerResult =>
    rnorm <= Number.EPSILON * ctx.bnorm ? { status: 'converged' } : steps > 0 ? { status: 'restart' } : { status: 'breakdown', detail };
  for (;;) {
    if (ctx.exhausted()) return { status: 'max-iterations' };
    const rhoNew = ctx.dot(rhat, r);
    if (!Number.isFinite(rhoNew)) return { status: 'nan-or-inf', detail: 'rho is not finite' };
    if (Math.abs(rhoNew) <= 1e-14 * rhatNorm * rnorm || Math.abs(rhoNew) < eps) {
      return broke(`rho = rhat.r = ${rhoNew.toExponential(3)} vanished (BiCGSTAB breakdown)`);
    }
    const beta = (rhoNew / rho) * (alpha / omega);
    k.bicgDirection(n, beta, omega, r, v, p);
    ctx.precond(p, ph);
    ctx.spmv(ph, v);
    const rv = ctx.dot(rhat, v);
    if (!Number.isFinite(rv)) return { status: 'nan-or-inf', detail: 'rhat.v is not finite' };
    if (Math.abs(rv) <= 1e-14 * rhatNorm * ctx.norm(v) || rv === 0) {
      return broke(`rhat.v = ${rv.toExponential(3)} vanished (BiCGSTAB breakdown)`);
    }
    alpha = rhoNew / rv;
    const ss = k.bicgHalf(n, alpha, r, v, s);
    const snorm = Math.sqrt(ss);
    if (snorm <= ctx.target) {
      k.axpy(n, alpha, ph, x);
      k.copy(n, s, r);
      if (ctx.tick(snorm)) return { status: 'aborted' };
      return { status: 'converged' };
    }
    ctx.precond(s, sh);
    ctx.spmv(sh, t);
    const tt = ctx.dot(t, t);
    const ts = ctx.dot(t, s);
    if (!Number.isFinite(tt) || !Number.isFinite(ts)) return { status: 'nan-or-inf', detail: 't.t or t.s is not finite' };
    if (tt === 0) return broke('A M^-1 s = 0 (BiCGSTAB breakdown)');
    omega = ts / tt;
    if (omega === 0) return broke('omega = 0 (BiCGSTAB stagnation breakdown)');
    const rr = k.bicgUpdate(n, alpha, omega, ph, sh, s, t, x, r);
    rnorm = Math.sqrt(rr);
    rho = rhoNew;
    steps++;
    if (ctx.tick(rnorm)) return { status: 'aborted' };
    if (!Number.isFinite(rr)) return { status: 'nan-or-inf', detail: 'the residual is not finite' };
    // below the rounding level the recurrence is noise: stop and let the caller judge the true residual
    if (rnorm <= ctx.target || rnorm <= Number.EPSILON * ctx.bnorm) return { status: 'converged' };
  }
}
