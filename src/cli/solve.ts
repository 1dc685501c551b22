// `sparse-wasm solve A.mtx`: solves A x = b with a Krylov method and a preconditioner.
import { init, MAX_THREADS } from '../runtime/runtime.js';
import { threadsUnavailableReason } from '../runtime/threads.js';
import { WasmUnsupportedError } from '../errors.js';
import { SolverSession } from '../session/session.js';
import type { SolveResult } from '../solvers/types.js';
import { METHOD_NAMES } from '../solvers/registry.js';
import { preconditionerNames } from '../precond/registry.js';
import { formatMatrixMarketArray } from '../io/matrix-market.js';
import { writeFile } from 'node:fs/promises';
import { FileError, UsageError, choiceOption, numberOption, operands, parseCommandLine, stringOption } from './args.js';
import { GENERATOR_HELP, loadMatrix, readVector } from './matrices.js';
import { checkWritable, writeAtomically, writeFailure } from './output.js';
import type { Command } from './command.js';

const METHODS = ['auto', ...METHOD_NAMES] as const;
const PRECONDS = ['auto', ...preconditionerNames()] as const;

const USAGE = `usage: sparse-wasm solve A [--rhs b.mtx] [--x0 x0.mtx] [--method M] [--precond P]
                        [--rtol R] [--atol T] [--max-iter N] [--restart M] [--threads T]
                        [-o x.mtx] [--json]

Solves A x = b (b = A * ones without --rhs) and reports whether and how it converged. Not
converging is a result (exit 0, see "converged" and "reason"), not an error.

  --rhs FILE          b: an n x 1 (or 1 x n) Matrix Market vector, array or coordinate
  --x0 FILE           the initial guess, same format (default 0)
  --method M          auto (default: chosen from the matrix), ${METHOD_NAMES.join(', ')}
  --precond P         auto (default: chosen from the matrix and method),
                      ${preconditionerNames().join(', ')}
  --rtol R            stop when ||b - A x|| <= max(R ||b||, atol) (default 1e-8); --tol is an alias
  --atol T            absolute residual tolerance (default 0)
  --max-iter N        iteration limit (default 10000)
  --restart M         GMRES restart length (default 30; other methods ignore it)
  --threads T         run SpMV and the vector operations of the solve on T threads (1 to
                      ${MAX_THREADS}; the threads build over a shared memory, T - 1 workers);
                      default 1. Triangular preconditioners (IC, ILU, SSOR) stay on one thread
  -o, --output FILE   write x as a Matrix Market array (gzipped when FILE ends in .gz); checked
                      before solving, replaced only when complete; not written (exit 1) when x
                      is not finite
  --json              print one JSON object instead of the summary
  -h, --help          this help

A is a Matrix Market file (.mtx, or gzipped .mtx.gz).
${GENERATOR_HELP.replace('FILE', 'A')}`;

/** A progress line on stderr for solves that take longer than half a second. */
export function progress(enabled: boolean) {
  const start = performance.now();
  let last = 0;
  let shown = false;
  const tty = !!process.stderr.isTTY;
  return {
    onIteration: (st: { iteration: number; relativeResidual: number }) => {
      if (!enabled) return;
      const now = performance.now();
      if (now - start < 500 || now - last < (tty ? 200 : 2000)) return;
      last = now;
      shown = true;
      const line = `  iteration ${st.iteration}, residual ${st.relativeResidual.toExponential(2)} (estimate), ${((now - start) / 1000).toFixed(1)} s`;
      process.stderr.write(tty ? `\r${line}\x1b[K` : `${line}\n`);
    },
    done: () => {
      if (shown && tty) process.stderr.write('\r\x1b[K');
    },
  };
}

export function solveSummary(r: SolveResult, s: SolverSession) {
  return {
    converged: r.converged,
    reason: r.reason,
    ...(r.detail ? { detail: r.detail } : {}),
    iterations: r.iterations,
    relativeResidual: r.relativeResidual,
    residualNorm: r.residualNorm,
    setupMs: s.timings.setupMs,
    solveMs: r.timings.solveMs,
    method: r.method,
    precond: r.precond,
    choice: s.choice,
    ...(r.fallback ? { fallback: r.fallback } : {}),
    precondInfo: r.precondInfo,
    residualKind: r.residualKind,
    residualReplacements: r.residualReplacements,
  };
}

export function printSolve(o: ReturnType<typeof solveSummary>): void {
  const status = o.converged ? 'converged' : `NOT converged (${o.reason}${o.detail ? `: ${o.detail}` : ''})`;
  process.stdout.write(
    `  solve        ${o.method} + ${o.precond}: ${status} in ${o.iterations} iterations, ` +
      `relative residual ${o.relativeResidual.toExponential(2)}; setup ${o.setupMs.toFixed(1)} ms, solve ${o.solveMs.toFixed(1)} ms\n`,
  );
}

const OPTIONS = {
  rhs: { type: 'string' }, x0: { type: 'string' }, method: { type: 'string' }, precond: { type: 'string' },
  rtol: { type: 'string' }, tol: { type: 'string' }, atol: { type: 'string' }, 'max-iter': { type: 'string' },
  restart: { type: 'string' }, output: { type: 'string', short: 'o' }, json: { type: 'boolean' },
  threads: { type: 'string' },
} as const;

async function run(args: string[]): Promise<number> {
  const p = parseCommandLine(args, OPTIONS);
  const [file] = operands(p, 1, 'solve takes one A.mtx');
  const method = choiceOption(p, 'method', METHODS);
  const precond = choiceOption(p, 'precond', PRECONDS);
  if (p.values.has('rtol') && p.values.has('tol')) throw new UsageError('--tol is an alias of --rtol: give one of them');
  const rtol = numberOption(p, p.values.has('tol') ? 'tol' : 'rtol', 1e-8, { min: 0 });
  const atol = numberOption(p, 'atol', 0, { min: 0 });
  const maxIterations = numberOption(p, 'max-iter', 10000, { min: 0, integer: true });
  const restart = numberOption(p, 'restart', 30, { min: 1, integer: true });
  const threads = numberOption(p, 'threads', 1, { min: 1, max: MAX_THREADS, integer: true });
  const unavailable = p.values.has('threads') ? threadsUnavailableReason() : undefined;
  if (unavailable !== undefined) throw new WasmUnsupportedError(`--threads ${threads}: threads are not available here: ${unavailable}`);
  const rhsFile = stringOption(p, 'rhs');
  const x0File = stringOption(p, 'x0');
  const out = stringOption(p, 'output');
  const json = p.values.has('json');
  if (out !== undefined) await checkWritable(out); // before reading and solving, which may take long
  // with --threads the default runtime is the threads build: the matrix is loaded into its shared memory
  const rt = await init(p.values.has('threads') ? { threads } : {});
  const l = await loadMatrix(file);
  const A = l.matrix;
  let session: SolverSession | undefined;
  try {
    if (A.rows !== A.cols) throw new FileError(`${l.source}: the matrix is ${A.rows} x ${A.cols}; solve needs a square matrix`);
    const b = rhsFile !== undefined ? await readVector(rhsFile, A.rows, 'the right-hand side') : A.multiply(new Float64Array(A.cols).fill(1));
    const x0 = x0File !== undefined ? await readVector(x0File, A.rows, 'the initial guess') : undefined;
    session = new SolverSession(A, { method, precond, rtol, atol, maxIterations, restart });
    const bar = progress(!json);
    const r = session.solve(b, x0, { onIteration: bar.onIteration });
    bar.done();
    const finite = r.x.every(Number.isFinite);
    // A non-finite x is not written: the writer refuses it, and a stale or partial file could be
    // taken for the answer. Whatever stops the write, the result is still printed (a long solve
    // is not lost to a full disk) and the exit code (1) says the file is missing.
    let outputError: string | undefined;
    if (out !== undefined) {
      if (!finite) outputError = `cannot write ${out}: the solution has non-finite entries (${r.reason})`;
      else {
        const text = formatMatrixMarketArray(A.rows, 1, r.x, { comment: ` solution of ${l.source} by sparse-wasm (${r.method} + ${r.precond}, ${r.reason})` });
        try {
          await writeAtomically(out, (path) => writeFile(path, text));
        } catch (e) {
          outputError = writeFailure(out, e).message;
        }
      }
    }
    const o = {
      file: l.source, rows: A.rows, nnz: A.nnz,
      rhs: rhsFile ?? 'A * ones', x0: x0File ?? 'zero',
      ...solveSummary(r, session),
      rtol, atol, maxIterations, restart, threads: rt.threads,
      xFinite: finite,
      output: out !== undefined && !outputError ? out : null,
      ...(outputError ? { outputError } : {}),
    };
    if (json) process.stdout.write(JSON.stringify(o) + '\n');
    else {
      process.stdout.write(`${l.source}: ${A.rows} x ${A.cols}, nnz ${A.nnz}; b = ${o.rhs}${rt.threads > 1 ? `; ${rt.threads} threads` : ''}\n`);
      printSolve(o);
      if (o.output !== null) process.stdout.write(`  wrote        ${o.output}\n`);
    }
    if (outputError) throw new FileError(outputError);
    return 0; // non-convergence is a result (see "converged" and "reason"), not an error
  } finally {
    session?.dispose();
    A.dispose();
  }
}

export const solve: Command = { name: 'solve', summary: 'solve A x = b (Krylov method + preconditioner)', usage: USAGE, run };
