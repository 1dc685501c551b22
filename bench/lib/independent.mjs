// Independent solves of a sequence, the baseline every sequence benchmark compares against: a new
// matrix and session per system (preconditioner built anew), x0 = 0; `next(x)` sees each solution.
import { CsrMatrix, SolverSession } from '../../dist/index.js';

export function independent(systems, options, next) {
  let iterations = 0, converged = 0;
  const t0 = performance.now();
  for (let i = 0; i < systems.count; i++) {
    const { A, b } = systems.load(i);
    const M = CsrMatrix.fromCsr(A.rows, A.cols, A.indptr, A.indices, A.data);
    const s = new SolverSession(M, options);
    const r = s.solve(b);
    s.dispose();
    M.dispose();
    iterations += r.iterations;
    if (r.converged) converged++;
    next?.(r.x);
  }
  return { iterations, converged, ms: performance.now() - t0 };
}
