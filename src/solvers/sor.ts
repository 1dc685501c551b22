// SOR as a stationary method: the setting of Learning to Relax (Khodak et al., ICLR 2024), where
// omega is learned across a sequence of systems.
import type { InnerResult, KrylovContext } from './context.js';
import { defineMethod, type MethodOption } from './method.js';

/** The run stops as 'breakdown' when the residual grows by this factor: omega makes SOR diverge. */
const DIVERGED = 1e8;

const omegaOption: MethodOption<number> = {
  default: 1,
  expected: 'a number in (0, 2)',
  valid: (v: unknown): v is number => typeof v === 'number' && v > 0 && v < 2,
  doc: 'SOR relaxation factor (1: Gauss-Seidel); SOR converges for SPD A exactly when 0 < omega < 2',
};

export interface SorState {
  /** 1 / a_ii for the current values, recomputed at every run (the values may have changed) */
  invDiag: Float64Array;
}

/**
 * Successive over-relaxation: one forward sweep x_i <- x_i + omega (b_i - sum_j a_ij x_j) / a_ii
 * per iteration, then the true residual for the stopping test (so `history` holds ||b - A x||).
 * No preconditioner (it would change the method): the session refuses one at setup. Converges
 * for SPD A with 0 < omega < 2 and for strictly diagonally dominant A with omega = 1; a residual
 * growing by 1e8 stops the run as 'breakdown' (omega outside the convergent range). A zero or
 * missing diagonal entry is refused as 'breakdown' naming the row. The sweep is sequential by
 * nature (each row reads the rows before it), a loop over the CSR arrays in place in wasm memory.
 */
export const sor = defineMethod({
  name: 'sor',
  summary: 'successive over-relaxation, a stationary method (omega: relaxation factor; no preconditioner)',
  residualKind: 'recursive-2-norm',
  requires: { matrix: 'any', preconditioner: 'none', nonsingular: true },
  options: { omega: omegaOption },
  workspace: () => ({ vectors: 0 }),
  state: (n: number): SorState => ({ invDiag: new Float64Array(n) }),
  run: (ctx, ws, options) => runSor(ctx, ws.state, options.omega),
});

export function runSor(ctx: KrylovContext, state: SorState, omega: number): InnerResult {
  const n = ctx.n, A = ctx.A, inv = state.invDiag;
  {
    const rp = A.rowPtr, ci = A.colIdx, v = A.values;
    for (let i = 0; i < n; i++) {
      let d = 0;
      for (let p = rp[i]; p < rp[i + 1]; p++) if (ci[p] === i) d += v[p];
      if (d === 0) return { status: 'breakdown', detail: `SOR needs a nonzero diagonal: a_${i}${i} is zero or missing (row ${i})` };
      inv[i] = 1 / d;
    }
  }
  let rnorm = ctx.norm(ctx.r);
  const start = rnorm;
  for (;;) {
    if (rnorm <= ctx.target) return { status: 'converged' };
    if (ctx.exhausted()) return { status: 'max-iterations' };
    // views are taken again every iteration: user code (onIteration) may have grown the memory
    const rp = A.rowPtr, ci = A.colIdx, v = A.values, x = ctx.rt.f64(ctx.x, n), b = ctx.rt.f64(ctx.b, n);
    for (let i = 0; i < n; i++) {
      let s = b[i];
      for (let p = rp[i]; p < rp[i + 1]; p++) s -= v[p] * x[ci[p]];
      x[i] += omega * s * inv[i];
    }
    rnorm = ctx.residual();
    if (ctx.tick(rnorm)) return { status: 'aborted' };
    if (!Number.isFinite(rnorm)) return { status: 'nan-or-inf', detail: 'the SOR iterate is not finite' };
    if (rnorm > DIVERGED * start) {
      return { status: 'breakdown', detail: `SOR diverges with omega = ${omega}: the residual grew by more than ${DIVERGED.toExponential(0)}` };
    }
  }
}
