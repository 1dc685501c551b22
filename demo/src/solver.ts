// Solving off the main thread. The page talks to a `Solver`: give it the matrix once, then solve
// with settings, watch progress, cancel. LocalSolver is one module worker of the page's own.
//
// Cancellation: on a cross-origin isolated page (COOP/COEP headers, see vite.config.ts) a
// SharedArrayBuffer flag that the worker's onIteration reads: the solve stops within an
// iteration as reason 'aborted', with its partial x and history. Elsewhere SharedArrayBuffer
// does not exist, so the worker is terminated and a new one started (the matrix is sent to it
// again on the next solve): the partial result is then what the progress messages brought.
import { CancelledError, WorkerClient, newId } from './client';
import type { CsrData, SolveSettings, SolveView } from './protocol';

export interface SolveRun {
  result: Promise<SolveView>;
  cancel(): void;
}

export interface Solver {
  /** how it solves, for the page ("1 module worker", ...) */
  readonly description: string;
  /** how cancellation works here */
  readonly cancellation: 'shared-flag' | 'terminate';
  setMatrix(matrix: CsrData, b: Float64Array): void;
  solve(settings: SolveSettings, onProgress: (from: number, residuals: number[]) => void): SolveRun;
}

export class LocalSolver implements Solver {
  readonly description = 'a module worker of the page';
  readonly cancellation = globalThis.crossOriginIsolated === true ? 'shared-flag' : 'terminate';
  private readonly client = new WorkerClient('solver');
  private matrix: { matrix: CsrData; b: Float64Array } | null = null;
  /** the worker generation that holds the current matrix */
  private sentTo = -1;

  setMatrix(matrix: CsrData, b: Float64Array): void {
    this.matrix = { matrix, b };
    this.sentTo = -1;
  }

  private async ensureMatrix(): Promise<void> {
    if (!this.matrix) throw new Error('load a matrix first');
    await this.client.start();
    if (this.sentTo === this.client.generation) return;
    const generation = this.client.generation;
    // copied, not transferred: the page keeps its arrays for the next worker
    await this.client.request<'matrix-set'>({ type: 'set-matrix', id: newId(), ...this.matrix });
    this.sentTo = generation;
  }

  solve(settings: SolveSettings, onProgress: (from: number, residuals: number[]) => void): SolveRun {
    const flag = this.cancellation === 'shared-flag' ? new SharedArrayBuffer(4) : undefined;
    let settled = false;
    const result = (async () => {
      try {
        await this.ensureMatrix();
        const reply = await this.client.request<'solved'>({ type: 'solve', id: newId(), settings, cancel: flag }, [], (e) => {
          if (e.type === 'progress') onProgress(e.from, e.residuals);
        });
        return reply.result;
      } finally {
        settled = true;
      }
    })();
    return {
      result,
      cancel: () => {
        if (settled) return;
        if (flag) {
          Atomics.store(new Int32Array(flag), 0, 1);
          // the flag is read every iteration; a preconditioner setup does not read it: give up
          // waiting after 2 s and end the worker
          setTimeout(() => { if (!settled) this.client.terminate('cancelled (the solve did not stop within 2 s)'); }, 2000);
        } else {
          this.client.terminate('cancelled: the worker was terminated (no SharedArrayBuffer: the page is not cross-origin isolated)');
        }
      },
    };
  }
}

export { CancelledError };
