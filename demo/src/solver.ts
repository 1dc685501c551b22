// Solving off the main thread, on the package's worker pool (createSolverPool): the page gives
// the matrix, then solves with settings, watches progress, cancels.
//
// Cancellation (the pool's): on a cross-origin isolated page (COOP/COEP headers, see
// vite.config.ts) a SharedArrayBuffer flag the worker reads every iteration: the solve stops as
// reason 'aborted' with its partial x and history. Elsewhere SharedArrayBuffer does not exist:
// the pool terminates the worker and starts another (SolveAbortedError); the partial result is
// then what the progress reports brought.
import { createSolverPool, SolveAbortedError, type SolverPool, type SolveResult } from 'sparse-wasm';
import { CancelledError } from './client';
import type { CsrData, SolveSettings, SolveView } from './protocol';

export interface SolveRun {
  result: Promise<SolveView>;
  cancel(): void;
}

export interface Solver {
  /** how it solves, for the page */
  readonly description: string;
  /** resolves when the solver can take solves */
  readonly ready: Promise<void>;
  /** how cancellation works here (known once ready) */
  readonly cancellation: 'shared-flag' | 'terminate';
  setMatrix(matrix: CsrData, b: Float64Array): void;
  /** `onProgress`: new points of the residual curve (iterations ascending; sampled) */
  solve(settings: SolveSettings, onProgress: (iterations: number[], residuals: number[]) => void): SolveRun;
}

/** The session settings of a page solve (restart only where the method takes it). */
export function sessionSpec(s: SolveSettings): Record<string, unknown> {
  const o: Record<string, unknown> = { method: s.method, precond: s.precond, rtol: s.rtol, atol: s.atol, maxIterations: s.maxIterations };
  if (s.restart !== undefined && (s.method === 'gmres' || s.method === 'gcrodr')) o.restart = s.restart;
  if (s.pivot === 'error') o.precondOptions = { pivot: 'error' };
  return o;
}

function view(r: SolveResult, wallMs: number): SolveView {
  return {
    method: r.method, precond: r.precond, converged: r.converged, reason: r.reason, detail: r.detail,
    iterations: r.iterations, relativeResidual: r.relativeResidual, residualNorm: r.residualNorm,
    residualKind: r.residualKind, history: r.history, setupMs: r.timings.setupMs, solveMs: r.timings.solveMs,
    wallMs, x: r.x,
  };
}

export class PoolSolver implements Solver {
  readonly description = "one worker of the package's solver pool (createSolverPool)";
  readonly ready: Promise<void>;
  cancellation: 'shared-flag' | 'terminate' = 'terminate';
  private readonly pool: Promise<SolverPool>;
  private matrix: { matrix: CsrData; b: Float64Array } | null = null;

  constructor() {
    // one worker: the page runs one solve at a time (a comparison runs its two one after the other)
    this.pool = createSolverPool({ workers: 1 });
    this.ready = this.pool.then((p) => { this.cancellation = p.cancellation; });
  }

  setMatrix(matrix: CsrData, b: Float64Array): void {
    this.matrix = { matrix, b };
  }

  solve(settings: SolveSettings, onProgress: (iterations: number[], residuals: number[]) => void): SolveRun {
    const controller = new AbortController();
    const result = (async () => {
      if (!this.matrix) throw new Error('load a matrix first');
      const pool = await this.pool;
      const { matrix: m, b } = this.matrix;
      // a fresh resident matrix per solve: the pool keeps a session per settings for each matrix
      // (its preconditioner, a recycle space), and the page shows every solve from scratch
      const A = await pool.load({ rows: m.rows, cols: m.cols, rowPtr: m.rowPtr, colIdx: m.colIdx, values: m.values });
      const t0 = performance.now();
      try {
        const r = await pool.solve(A, b, {
          ...sessionSpec(settings), signal: controller.signal, progressIntervalMs: 100,
          onProgress: (p) => onProgress([p.iteration], [p.residual]),
        });
        return view(r, performance.now() - t0);
      } catch (e) {
        if (e instanceof SolveAbortedError) throw new CancelledError(`cancelled: ${e.message}`);
        throw e;
      } finally {
        void A.dispose().catch(() => {});
      }
    })();
    return { result, cancel: () => controller.abort() };
  }
}
