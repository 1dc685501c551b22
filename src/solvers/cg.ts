import type { InnerResult, KrylovContext } from './context.js';
import { vectorMethod } from './method.js';

/** Work vectors CG needs besides x, b, r: z (only with a preconditioner), p, q. */
export const CG_VECTORS = 3;

export const cg = vectorMethod({
  name: 'cg',
  summary: 'preconditioned conjugate gradients (A and M symmetric positive definite)',
  residualKind: 'recursive-2-norm',
  requires: { matrix: 'spd', preconditioner: 'spd', nonsingular: true },
  vectors: CG_VECTORS,
  run: runCg,
});

/** Below this relative size the recurrence residual is rounding noise (and may underflow). */
const NEGLIGIBLE = Number.EPSILON;

/**
 * Preconditioned conjugate gradients from the residual already in ctx.r. Detects a matrix
 * (p.Ap <= 0) or preconditioner (r.z <= 0) that is not positive definite, unless the residual
 * has vanished: when r (hence p) is 0 or below the rounding level (rtol = 0 runs into that,
 * often through underflow), p.Ap = 0 and r.z = 0 mean convergence, not indefiniteness.
 */
export function runCg(ctx: KrylovContext, work: readonly number[]): InnerResult {
  const { k, n, x, r } = ctx;
  const [zBuf, p, q] = work;
  const z = ctx.M ? zBuf : r; // unpreconditioned: z is r itself
  let rr = ctx.dot(r, r);
  if (Math.sqrt(rr) <= ctx.target) return { status: 'converged' };
  ctx.precond(r, z);
  let rz = ctx.M ? ctx.dot(r, z) : rr;
  if (!(rz > 0)) return badPrecond(ctx, rz, rr);
  k.copy(n, z, p);
  for (;;) {
    if (ctx.exhausted()) return { status: 'max-iterations' };
    ctx.spmv(p, q);
    const pq = ctx.dot(p, q);
    const bad = badCurvature(ctx, pq, rr);
    if (bad) return bad;
    const alpha = rz / pq;
    rr = k.cgStep(n, alpha, p, q, x, r);
    const rnorm = Math.sqrt(rr);
    if (ctx.tick(rnorm)) return { status: 'aborted' };
    if (!Number.isFinite(rr)) return { status: 'nan-or-inf', detail: 'the residual is not finite' };
    // below the rounding level the recurrence is noise and can even grow back (rtol = 0):
    // stop, and let the caller judge the true residual
    if (rnorm <= ctx.target || vanished(ctx, rr)) return { status: 'converged' };
    if (ctx.M) {
      ctx.precond(r, z);
      const rzNew = ctx.dot(r, z);
      if (!(rzNew > 0)) return badPrecond(ctx, rzNew, rr);
      k.xpby(n, z, rzNew / rz, p);
      rz = rzNew;
    } else {
      k.xpby(n, r, rr / rz, p);
      rz = rr;
    }
  }
}

/** ||r|| = sqrt(rr) is 0 or below the rounding level of ||b||: nothing is left to reduce. */
export function vanished(ctx: KrylovContext, rr: number): boolean {
  return Math.sqrt(rr) <= NEGLIGIBLE * ctx.bnorm;
}

/** The result for p.Ap <= 0 or not finite, else undefined (shared by the CG variants). */
export function badCurvature(ctx: KrylovContext, pq: number, rr: number): InnerResult | undefined {
  if (!Number.isFinite(pq)) return { status: 'nan-or-inf', detail: 'p.Ap is not finite' };
  if (pq > 0) return undefined;
  if (vanished(ctx, rr)) return { status: 'converged' };
  return { status: 'indefinite-matrix', detail: `p.Ap = ${pq.toExponential(3)} <= 0: the matrix is not positive definite` };
}

/** The result for r.M^-1 r <= 0 or not finite (shared by the CG variants). */
export function badPrecond(ctx: KrylovContext, rz: number, rr: number): InnerResult {
  if (!Number.isFinite(rz)) return { status: 'nan-or-inf', detail: 'r.M^-1 r is not finite (preconditioner output)' };
  if (vanished(ctx, rr)) return { status: 'converged' };
  return {
    status: 'indefinite-preconditioner',
    detail: `r.M^-1 r = ${rz.toExponential(3)} <= 0: the preconditioner is not positive definite`,
  };
}
