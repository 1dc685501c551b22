import type { SolveMonitor, StoppingCriteria } from './context.js';
import type { MethodName, SolveResult, StopReason } from './types.js';

/** What a finished solve knows when it builds its result (a session's solve, a solveMany column). */
export interface SolveEnd {
  /** the returned iterate (a copy the result may keep) */
  x: Float64Array;
  reason: StopReason;
  detail: string | undefined;
  /** ||b - A x|| recomputed from x */
  residualNorm: number;
  monitor: SolveMonitor;
  stop: StoppingCriteria;
  /** the session's explanation of a failure (indefinite preconditioner, shifted pivots, ...) */
  diagnose(reason: StopReason, iterations: number): string[];
  method: MethodName;
  precond: string;
  precondInfo: Record<string, number | string | boolean>;
  setupMs: number;
  solveMs: number;
}

/**
 * The SolveResult of a finished solve. A non-finite true residual is always 'nan-or-inf' (the
 * recurrence may not have seen it), and anything but a convergence or an abort gets a detail
 * saying why, followed by the session's diagnosis.
 */
export function solveResult(e: SolveEnd): SolveResult {
  const { monitor, stop, residualNorm, setupMs, solveMs } = e;
  let { reason, detail } = e;
  const iterations = monitor.iterations;
  if (!Number.isFinite(residualNorm) && reason !== 'nan-or-inf') {
    reason = 'nan-or-inf';
    detail = `the iterate x has a NaN or infinite entry (after ${iterations} iterations)`;
  }
  const converged = reason === 'converged-rtol' || reason === 'converged-atol';
  if (!converged && reason !== 'aborted') {
    const relative = (residualNorm / stop.bnorm).toExponential(2);
    const why = reason !== 'max-iterations'
      ? detail
      : iterations === 0
        ? `maxIterations is 0: no iteration was done (relative residual ${relative})`
        : `no convergence in ${iterations} iterations (relative residual ${relative})`;
    detail = [why, ...e.diagnose(reason, iterations)].filter(Boolean).join('; ');
  }
  const bnorm = stop.normB;
  return {
    x: e.x,
    converged,
    reason,
    ...(detail !== undefined ? { detail } : {}),
    iterations,
    relativeResidual: bnorm > 0 ? residualNorm / bnorm : residualNorm,
    residualNorm,
    history: monitor.history ?? [],
    residualKind: monitor.residualKind,
    method: e.method,
    precond: e.precond,
    precondInfo: e.precondInfo,
    timings: { setupMs, solveMs },
    setupMs,
    solveMs,
    residualReplacements: stop.replacements,
  };
}
