// The sparse direct solvers as methods of the session: 'cholesky' and 'lu'. The session builds
// the method's own preconditioner, the exact factorization of A (src/precond/direct.ts), once;
// each solve is then iterative refinement,
//     x <- x + M^-1 (b - A x),
// whose first step from x0 = 0 is the plain direct solve x = A^-1 b. Each step counts as one
// iteration and is followed by the true residual, so the session's stopping test, history,
// onIteration, abort and result are the same as for the Krylov methods. Refinement recovers
// accuracy lost to rounding in the factors; it stops as 'breakdown' when a step no longer halves
// the residual (the rounding floor: the factorization of a nearly singular A cannot do better).
import type { InnerResult, KrylovContext } from './context.js';
import { defineMethod } from './method.js';

/** A step must shrink the residual at least this much, or refinement has reached its floor. */
const PROGRESS = 0.5;

function refine(ctx: KrylovContext, z: number): InnerResult {
  const n = ctx.n;
  let rnorm = ctx.norm(ctx.r);
  for (;;) {
    if (rnorm <= ctx.target) return { status: 'converged' };
    if (ctx.exhausted()) return { status: 'max-iterations' };
    ctx.precond(ctx.r, z); // z = A^-1 r by the factors
    ctx.k.axpy(n, 1, z, ctx.x); // x += z
    const previous = rnorm;
    rnorm = ctx.residual();
    if (ctx.tick(rnorm)) return { status: 'aborted' };
    if (!Number.isFinite(rnorm)) return { status: 'nan-or-inf', detail: 'the solution of the factored system is not finite' };
    if (rnorm > PROGRESS * previous && rnorm > ctx.target) {
      return {
        status: 'breakdown',
        detail: `iterative refinement stopped improving at relative residual ${(rnorm / ctx.bnorm).toExponential(2)}: ` +
          'the factorization is as accurate as A allows (A is nearly singular, or its condition number is near 1 / rtol)',
      };
    }
  }
}

export const cholesky = defineMethod({
  name: 'cholesky',
  summary: 'sparse Cholesky factorization (A symmetric positive definite; AMD ordering, supernodal), then iterative refinement',
  residualKind: 'true-2-norm',
  requires: { matrix: 'spd', preconditioner: 'any', nonsingular: true },
  factorization: 'cholesky',
  options: {},
  workspace: () => ({ vectors: 1 }),
  run: (ctx, ws) => refine(ctx, ws.vectors[0]!),
});

export const lu = defineMethod({
  name: 'lu',
  summary: 'sparse LU factorization with threshold partial pivoting (any nonsingular square A), then iterative refinement',
  residualKind: 'true-2-norm',
  requires: { matrix: 'any', preconditioner: 'any', nonsingular: true },
  factorization: 'lu',
  options: {},
  workspace: () => ({ vectors: 1 }),
  run: (ctx, ws) => refine(ctx, ws.vectors[0]!),
});
