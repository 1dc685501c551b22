// `sparse-wasm sequence A1.mtx A2.mtx ...`: solves a sequence of related systems through one
// session (solveSequence), optionally sorted by similarity, with learned relaxation.
import { mkdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { init } from '../runtime/runtime.js';
import { formatMatrixMarketArray } from '../io/matrix-market.js';
import { METHOD_NAMES } from '../solvers/registry.js';
import { preconditionerNames } from '../precond/registry.js';
import { solveSequence, type SequenceOptions, type SequenceSystem, type SequenceSystemResult } from '../sequence/solve-sequence.js';
import type { CsrMatrix } from '../matrix/csr.js';
import { SequenceError } from '../sequence/errors.js';
import { FileError, UsageError, choiceOption, numberOption, parseCommandLine, stringOption } from './args.js';
import { GENERATOR_HELP, loadMatrix, readVector } from './matrices.js';
import { writeAtomically, writeFailure } from './output.js';
import type { Command } from './command.js';
import { CHUNK_OPTIONS, CHUNK_USAGE, runChunkedSequence } from './sequence-chunked.js';

const METHODS = ['auto', ...METHOD_NAMES] as const;
const PRECONDS = ['auto', ...preconditionerNames()] as const;
/** Learning to Relax's grid: 20 values evenly spaced in [1, 1.95]. */
const OMEGA_GRID = Array.from({ length: 20 }, (_, i) => 1 + 0.05 * i);

const USAGE = `usage: sparse-wasm sequence FILES... [--rhs FILES...] [--sort none|greedy] [--recycle auto|K|off]
                           [--method M] [--precond P] [--tune-omega] [--initial-guess G]
                           [--rtol R] [--max-iter N] [--restart M] [-o DIR] [--json]
                           [--chunk N] [--queue URL]

Solves the systems A_i x_i = b_i one after another through one solver session, reusing its
setup and earlier solutions. Prints one JSON object (--json) or a table: per system the file,
iterations, converged, reason, relative residual, setup and solve time; then the totals.
Progress goes to stderr. Not converging is a result (exit 0), not an error.

  FILES...            the matrices A_i (Matrix Market, .mtx or .mtx.gz), all of one size
  --rhs FILES...      the right-hand sides b_i (n x 1 Matrix Market), one per matrix, or
                      several with a single matrix (a fixed A); default b_i = A_i * ones
  --sort S            none (default: the given order) or greedy (nearest neighbour by a
                      fingerprint of each system, so that neighbours are alike)
  --recycle R         auto, K (vectors) or off (default): a recycle space carried from system
                      to system, for methods that keep one (e.g. gcrodr)
  --method M          ${METHODS.join(', ')} (default auto)
  --precond P         ${PRECONDS.join(', ')} (default auto)
  --tune-omega        learn the relaxation factor (SSOR preconditioner, or method sor) per
                      system from the iteration counts (the model learner over 1, 1.05, ..., 1.95)
  --initial-guess G   zero, previous or galerkin (default: projection on the last solutions)
  --rtol R            stop when ||b - A x|| <= R ||b|| (default 1e-8)
  --max-iter N        iteration limit per system (default 10000)
  --restart M         GMRES restart length (default 30)
  -o, --output DIR    write each solution x_i as DIR/NAME.x.mtx (NAME: the matrix file's, or
                      the right-hand side's for a fixed A, without .mtx/.gz); DIR is created
  --json              print one JSON object instead of the table
${CHUNK_USAGE}
  -h, --help          this help

${GENERATOR_HELP.replace('FILE', 'a matrix FILE')}`;

const OPTIONS = {
  sort: { type: 'string' }, recycle: { type: 'string' }, method: { type: 'string' }, precond: { type: 'string' },
  'tune-omega': { type: 'boolean' }, 'initial-guess': { type: 'string' }, rtol: { type: 'string' },
  'max-iter': { type: 'string' }, restart: { type: 'string' }, output: { type: 'string', short: 'o' }, json: { type: 'boolean' },
  ...CHUNK_OPTIONS,
} as const;

/** Takes `--rhs F1 F2 ...` (every argument up to the next option) out of args. */
function splitRhs(args: string[]): { rest: string[]; rhs: string[] | undefined } {
  const rest: string[] = [];
  let rhs: string[] | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--') { rest.push(...args.slice(i)); break; }
    if (a === '--rhs' || a.startsWith('--rhs=')) {
      rhs ??= [];
      if (a.startsWith('--rhs=')) rhs.push(a.slice(6));
      while (i + 1 < args.length && !args[i + 1].startsWith('-')) rhs.push(args[++i]);
      continue;
    }
    rest.push(a);
  }
  if (rhs && rhs.length === 0) throw new UsageError('option --rhs needs at least one file');
  return { rest, rhs };
}

function baseName(file: string): string {
  return path.basename(file).replace(/\.gz$/, '').replace(/\.mtx$/, '');
}

async function run(args: string[]): Promise<number> {
  const { rest, rhs } = splitRhs(args);
  const p = parseCommandLine(rest, OPTIONS);
  const files = p.positional;
  if (files.length === 0) throw new UsageError('sequence needs at least one matrix file');
  const fixed = rhs !== undefined && files.length === 1 && rhs.length > 1;
  if (rhs && !fixed && rhs.length !== files.length) {
    throw new UsageError(`--rhs gives ${rhs.length} files for ${files.length} matrices: give one per matrix, or several with one matrix`);
  }
  const method = choiceOption(p, 'method', METHODS);
  const precond = choiceOption(p, 'precond', PRECONDS);
  const sort = choiceOption(p, 'sort', ['none', 'greedy'] as const, 'none');
  const initialGuess = choiceOption(p, 'initial-guess', ['zero', 'previous', 'galerkin'] as const, 'galerkin');
  const recycleText = stringOption(p, 'recycle') ?? 'off';
  let recycle: SequenceOptions['recycle'];
  if (recycleText === 'off') recycle = false;
  else if (recycleText === 'auto') recycle = 'auto';
  else {
    const k = Number(recycleText);
    if (!/^\d+$/.test(recycleText) || !Number.isInteger(k)) throw new UsageError(`${p.spelled.get('recycle')} must be auto, off or a number of vectors, got "${recycleText}"`);
    recycle = k;
  }
  const rtol = numberOption(p, 'rtol', 1e-8, { min: 0 });
  const maxIterations = numberOption(p, 'max-iter', 10000, { min: 0, integer: true });
  const restart = p.values.has('restart') ? numberOption(p, 'restart', 30, { min: 1, integer: true }) : undefined;
  const tune = p.values.has('tune-omega');
  if (tune && method !== 'sor' && precond !== 'ssor') throw new UsageError("--tune-omega tunes SSOR (--precond ssor) or SOR (--method sor): give one of them");
  const out = stringOption(p, 'output');
  const json = p.values.has('json');
  if (out !== undefined) {
    try {
      await mkdir(out, { recursive: true });
      if (!(await stat(out)).isDirectory()) throw Object.assign(new Error(), { code: 'ENOTDIR' });
    } catch (e) {
      throw writeFailure(out, e);
    }
  }
  if (Object.keys(CHUNK_OPTIONS).some((k) => p.values.has(k))) {
    return runChunkedSequence({
      p, files, rhs, fixed, sort, recycleText, out, json, baseName,
      options: {
        method, precond, rtol, maxIterations, initialGuess, recycle,
        ...(restart !== undefined ? { restart } : {}),
        ...(tune ? { tune: { omega: OMEGA_GRID } } : {}),
      },
    });
  }
  await init();

  // the fixed matrix, or each matrix read when its system comes (then copied and freed)
  let fixedMatrix: CsrMatrix | undefined;
  let n = -1;
  const count = fixed ? rhs!.length : files.length;
  const names = Array.from({ length: count }, (_, i) => baseName(fixed ? rhs![i] : files[i]));
  const unique = new Set(names).size === names.length;
  const outName = (i: number) => `${unique ? '' : `${i}-`}${names[i]}.x.mtx`;
  const writes: Promise<void>[] = [];
  const writeErrors: string[] = [];
  const started = performance.now();
  try {
    if (fixed) {
      fixedMatrix = (await loadMatrix(files[0])).matrix;
      if (fixedMatrix.rows !== fixedMatrix.cols) throw new FileError(`${files[0]}: the matrix is ${fixedMatrix.rows} x ${fixedMatrix.cols}; sequence needs square matrices`);
      n = fixedMatrix.rows;
    }
    const load = async (i: number): Promise<SequenceSystem> => {
      if (fixedMatrix) return { b: await readVector(rhs![i], n, 'the right-hand side') };
      const l = await loadMatrix(files[i]);
      try {
        const A = l.matrix;
        if (A.rows !== A.cols) throw new FileError(`${files[i]}: the matrix is ${A.rows} x ${A.cols}; sequence needs square matrices`);
        const b = rhs ? await readVector(rhs[i], A.rows, 'the right-hand side') : A.multiply(new Float64Array(A.cols).fill(1));
        return { A: A.toCsrArrays(), b };
      } finally {
        l.matrix.dispose();
      }
    };
    const onSystem = (r: SequenceSystemResult) => {
      const file = fixed ? files[0] : files[r.index];
      const status = r.converged ? 'converged' : `NOT converged (${r.reason})`;
      process.stderr.write(
        `  [${r.position + 1}/${count}] ${fixed ? rhs![r.index] : file}: ${status} in ${r.iterations} iterations` +
          `${r.omega !== undefined ? `, omega ${r.omega.toFixed(2)}` : ''} (${((performance.now() - started) / 1000).toFixed(1)} s)\n`,
      );
      if (out !== undefined) {
        const target = path.join(out, outName(r.index));
        if (!r.x!.every(Number.isFinite)) { writeErrors.push(`cannot write ${target}: the solution has non-finite entries (${r.reason})`); return; }
        const text = formatMatrixMarketArray(r.x!.length, 1, r.x!, { comment: ` solution of system ${r.index} (${file}) by sparse-wasm sequence` });
        writes.push(writeAtomically(target, (tmp) => writeFile(tmp, text)).catch((e) => { writeErrors.push(writeFailure(target, e).message); }));
      }
    };
    const res = await solveSequence({ count, load }, {
      method, precond, rtol, maxIterations, sort, initialGuess, recycle, onSystem, keepSolutions: false,
      ...(restart !== undefined ? { restart } : {}),
      ...(fixedMatrix ? { matrix: fixedMatrix } : {}),
      ...(tune ? { tune: { omega: OMEGA_GRID } } : {}),
    }).catch((e) => {
      // name the file of the failed system (a read error names it already)
      if (!(e instanceof SequenceError)) throw e;
      const cause = e.cause;
      if (cause instanceof FileError || cause instanceof UsageError) throw cause;
      const file = fixed ? rhs![e.index] : files[e.index];
      throw new FileError(`${file}: ${cause instanceof Error ? cause.message : String(cause)}`);
    });
    await Promise.all(writes);
    const systems = res.results.map((r, i) => ({
      file: fixed ? files[0] : files[i],
      ...(rhs ? { rhs: rhs[i] } : {}),
      iterations: r!.iterations,
      converged: r!.converged,
      reason: r!.reason,
      relativeResidual: r!.relativeResidual,
      setupMs: r!.setupMs,
      solveMs: r!.solveMs,
      guessMs: r!.guessMs,
      ...(r!.omega !== undefined ? { omega: r!.omega } : {}),
      ...(out !== undefined && !writeErrors.some((m) => m.includes(outName(i))) ? { output: path.join(out, outName(i)) } : {}),
    }));
    const first = res.results[0];
    const o = {
      systems,
      order: res.order,
      method: first?.method, precond: first?.precond,
      sort, initialGuess, recycle: recycleText, rtol, maxIterations,
      totals: res.totals,
      ...(res.tuning ? { tuning: { learner: res.tuning.learner, grid: res.tuning.grid } } : {}),
      ...(writeErrors.length ? { outputErrors: writeErrors } : {}),
    };
    if (json) process.stdout.write(JSON.stringify(o) + '\n');
    else {
      const w = Math.max(4, ...systems.map((s) => (s.rhs ?? s.file).length));
      process.stdout.write(`${'system'.padEnd(w)}  iterations  converged  rel. residual  setup ms  solve ms\n`);
      for (const s of systems) {
        process.stdout.write(
          `${(s.rhs ?? s.file).padEnd(w)}  ${String(s.iterations).padStart(10)}  ${String(s.converged).padStart(9)}  ` +
            `${s.relativeResidual.toExponential(2).padStart(13)}  ${s.setupMs.toFixed(1).padStart(8)}  ${s.solveMs.toFixed(1).padStart(8)}\n`,
        );
      }
      const t = res.totals;
      process.stdout.write(
        `total: ${t.systems} systems (${t.converged} converged), ${t.iterations} iterations; setup ${t.setupMs.toFixed(1)} ms, ` +
          `solve ${t.solveMs.toFixed(1)} ms, guess ${t.guessMs.toFixed(1)} ms, sort ${t.sortMs.toFixed(1)} ms, wall ${t.totalMs.toFixed(1)} ms` +
          ` (${o.method} + ${o.precond})\n`,
      );
    }
    if (writeErrors.length) throw new FileError(writeErrors[0]);
    return 0;
  } finally {
    fixedMatrix?.dispose();
  }
}

export const sequence: Command = { name: 'sequence', summary: 'solve a sequence of related systems (one session, sorting, learned omega)', usage: USAGE, run };
