// The `sparse-wasm` command line. Every command prints a human summary, or with --json exactly
// one JSON object on stdout. Errors exit non-zero with one line on stderr, never a stack trace.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { init, type SparseRuntime } from './runtime/runtime.js';
import { CsrMatrix, type SpmvLayout } from './matrix/csr.js';
import { DenseVector } from './vector.js';
import { matrixProperties } from './matrix/properties.js';
import { readMatrixMarketFile } from './io/matrix-market-node.js';
import { SparseError } from './errors.js';
import { SolverSession } from './session/session.js';
import type { SolveResult } from './solvers/types.js';
import { formatMatrixMarketArray } from './io/matrix-market.js';
import { writeFile } from 'node:fs/promises';
import { cmdMultiply } from './cli-multiply.js';
import { FileError, UsageError, fileError, loadMatrix, numberFlag, parseArgs, type LoadedMatrix, type Parsed } from './cli-common.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** The real matrix shipped with the package for the default job (source in data/README.md). */
const BUNDLED = path.join(root, 'data', '1138_bus.mtx');
const DEFAULT_POISSON_K = 500;
const METHODS = ['auto', 'cg', 'bicgstab', 'gmres', 'minres'] as const;
const PRECONDS = ['auto', 'none', 'jacobi', 'ssor', 'ic0', 'ilu0', 'ilut', 'chebyshev'] as const;

const USAGE = `usage:
  sparse-wasm                          run the default job: info, SpMV speed and a solve of
                                       A x = A * ones on a generated 2D Poisson matrix and on a
                                       bundled real matrix
  sparse-wasm info FILE.mtx [--json]   shape, nnz, symmetry, diagonal dominance, bandwidth
  sparse-wasm spmv FILE.mtx [--json] [--seconds S] [--layout auto|csr|sell]
                                       time y = A x (median per product after warm-up)
  sparse-wasm solve A.mtx [--rhs b.mtx] [--method auto|cg|bicgstab|gmres|minres]
        [--precond auto|none|jacobi|ssor|ic0|ilu0|ilut|chebyshev] [--tol 1e-8] [--max-iter N]
        [--restart M] [-o x.mtx] [--json]   solve A x = b (b = A * ones without --rhs)
  sparse-wasm multiply A.mtx B.mtx [-o C.mtx] [--json] [--repeat N] [--accumulator auto|hash|dense]
                                       C = A B (SpGEMM): nnz, time of the product alone,
                                       symbolic and numeric phases, numeric-only recompute
FILE may also be gen:poisson2d:K (the 5-point Laplacian on a K x K grid).`;

function infoOf(l: LoadedMatrix) {
  const p = matrixProperties(l.matrix);
  return {
    file: l.source,
    format: l.header.format,
    field: l.header.field,
    symmetry: l.header.symmetry,
    storedEntries: l.header.storedEntries,
    ...p,
  };
}

function printInfo(o: ReturnType<typeof infoOf>): void {
  const lines = [
    `${o.file}`,
    `  shape        ${o.rows} x ${o.cols}, nnz ${o.nnz} (${o.storedEntries} stored in the file; ${o.explicitZeros} explicit zeros)`,
    `  symmetry     ${o.symmetry} (declared); numerically symmetric: ${o.numericallySymmetric ? 'yes' : 'no'}, pattern symmetric: ${o.patternSymmetric ? 'yes' : 'no'}`,
    `  diagonal     ${o.missingDiagonal} missing, signs ${o.diagonalSign}; dominance ${o.diagonalDominance} (${o.strictlyDominantRows} strictly, ${o.weaklyDominantRows} weakly dominant rows)`,
    `  bandwidth    ${o.bandwidth} (lower ${o.lowerBandwidth}, upper ${o.upperBandwidth}); ${o.emptyRows} empty rows`,
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

/** Times y = A x: warm-up (the first large calls run in wasm's baseline tier), then batched samples. */
function timeSpmv(rt: SparseRuntime, A: CsrMatrix, seconds: number) {
  A.prepareSpmv(); // builds SELL-8 when 'auto' picks it: setup, not product time
  const x = DenseVector.zeros(A.cols);
  const y = DenseVector.zeros(A.rows);
  try {
    const xd = x.data;
    for (let j = 0; j < A.cols; j++) xd[j] = 1 + (j % 7) / 7; // same x as anchors/spmv_c.c
    const warmEnd = performance.now() + Math.min(300, seconds * 300);
    let warm = 0;
    while (warm < 5 || (performance.now() < warmEnd && warm < 200)) { A.multiply(x, y); warm++; }
    let t0 = performance.now();
    A.multiply(x, y);
    const one = performance.now() - t0;
    const batch = one < 2 ? Math.ceil(2 / Math.max(one, 1e-6)) : 1;
    const samples: number[] = [];
    const start = performance.now();
    while ((samples.length < 15 || performance.now() - start < seconds * 1000) && samples.length < 4096) {
      t0 = performance.now();
      for (let b = 0; b < batch; b++) A.multiply(x, y);
      samples.push((performance.now() - t0) / batch);
      if (performance.now() - start > 4 * seconds * 1000) break;
    }
    samples.sort((a, b) => a - b);
    const ms = samples[samples.length >> 1];
    const yd = y.data;
    let checksum = 0;
    for (let i = 0; i < A.rows; i++) checksum += yd[i];
    const layout = A.spmvLayout;
    const stored = layout === 'sell' ? A.spmvStoredEntries() : A.nnz;
    // bytes moved once per product: matrix arrays, x read, y written
    const bytes = 12 * stored + 4 * (A.rows + 1) + 8 * A.cols + 8 * A.rows;
    return {
      rows: A.rows, cols: A.cols, nnz: A.nnz, layout, ms, minMs: samples[0],
      gflops: ms > 0 ? (2 * A.nnz) / (ms * 1e6) : 0,
      gbps: ms > 0 ? bytes / (ms * 1e6) : 0,
      bytesPerProduct: bytes, samples: samples.length, batch, checksum, simd: rt.simd,
    };
  } finally {
    x.dispose();
    y.dispose();
  }
}

function printSpmv(file: string, r: ReturnType<typeof timeSpmv>): void {
  process.stdout.write(
    `${file}\n  SpMV         ${r.ms.toFixed(4)} ms median (min ${r.minMs.toFixed(4)}, ${r.samples} samples), ` +
      `${r.gflops.toFixed(2)} GFLOP/s, ${r.gbps.toFixed(1)} GB/s (${r.layout.toUpperCase()}${r.simd ? ', SIMD' : ', scalar'})\n`,
  );
}

async function cmdInfo(args: string[]): Promise<number> {
  const p = parseArgs(args, [], ['--json']);
  if (p.positional.length !== 1) throw new UsageError('info takes one FILE.mtx');
  await init();
  const l = await loadMatrix(p.positional[0]);
  try {
    const o = infoOf(l);
    if (p.flags.has('--json')) process.stdout.write(JSON.stringify(o) + '\n');
    else printInfo(o);
  } finally {
    l.matrix.dispose();
  }
  return 0;
}

function layoutFlag(p: Parsed): SpmvLayout {
  const v = p.flags.get('--layout') ?? 'auto';
  if (v !== 'auto' && v !== 'csr' && v !== 'sell') throw new UsageError(`--layout must be auto, csr or sell, got ${String(v)}`);
  return v;
}

async function cmdSpmv(args: string[]): Promise<number> {
  const p = parseArgs(args, ['--seconds', '--layout'], ['--json']);
  if (p.positional.length !== 1) throw new UsageError('spmv takes one FILE.mtx');
  const seconds = numberFlag(p, '--seconds', 1, 0);
  const layout = layoutFlag(p);
  const rt = await init();
  const l = await loadMatrix(p.positional[0], layout);
  try {
    const r = { file: l.source, readMs: l.readMs, ...timeSpmv(rt, l.matrix, seconds) };
    if (p.flags.has('--json')) process.stdout.write(JSON.stringify(r) + '\n');
    else printSpmv(l.source, r);
  } finally {
    l.matrix.dispose();
  }
  return 0;
}

/** Reads a right-hand side: an n x 1 (or 1 x n) Matrix Market file, array or coordinate. */
async function readRhs(file: string, n: number): Promise<Float64Array> {
  let data;
  try {
    data = await readMatrixMarketFile(file);
  } catch (e) {
    throw fileError(file, e);
  }
  const { rows, cols } = data;
  if (!((rows === n && cols === 1) || (rows === 1 && cols === n))) {
    throw new FileError(`${file}: the right-hand side is ${rows} x ${cols}, expected ${n} x 1`);
  }
  const b = new Float64Array(n);
  for (let k = 0; k < data.values.length; k++) b[cols === 1 ? data.rowIndex[k] : data.colIndex[k]] += data.values[k];
  return b;
}

function choiceFlag<T extends readonly string[]>(p: Parsed, name: string, allowed: T): T[number] {
  const v = p.flags.get(name) ?? 'auto';
  if (typeof v !== 'string' || !allowed.includes(v)) throw new UsageError(`${name} must be one of ${allowed.join(', ')}, got ${String(v)}`);
  return v;
}

/** A progress line on stderr for solves that take longer than half a second. */
function progress(enabled: boolean) {
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

function solveSummary(r: SolveResult, s: SolverSession) {
  return {
    converged: r.converged,
    reason: r.reason,
    ...(r.detail ? { detail: r.detail } : {}),
    iterations: r.iterations,
    relativeResidual: r.relativeResidual,
    residualNorm: r.residualNorm,
    setupMs: s.setupMs,
    solveMs: r.solveMs,
    method: r.method,
    precond: r.precond,
    choice: s.choice,
    precondInfo: r.precondInfo,
    residualKind: r.residualKind,
    residualReplacements: r.residualReplacements,
  };
}

function printSolve(o: ReturnType<typeof solveSummary>): void {
  const status = o.converged ? 'converged' : `NOT converged (${o.reason}${o.detail ? `: ${o.detail}` : ''})`;
  process.stdout.write(
    `  solve        ${o.method} + ${o.precond}: ${status} in ${o.iterations} iterations, ` +
      `relative residual ${o.relativeResidual.toExponential(2)}; setup ${o.setupMs.toFixed(1)} ms, solve ${o.solveMs.toFixed(1)} ms\n`,
  );
}

async function cmdSolve(args: string[]): Promise<number> {
  const p = parseArgs(args, ['--rhs', '--method', '--precond', '--tol', '--max-iter', '--restart', '-o'], ['--json']);
  if (p.positional.length !== 1) throw new UsageError('solve takes one A.mtx');
  const method = choiceFlag(p, '--method', METHODS);
  const precond = choiceFlag(p, '--precond', PRECONDS);
  const rtol = numberFlag(p, '--tol', 1e-8, 0);
  const maxIterations = numberFlag(p, '--max-iter', 10000, 0);
  const restart = numberFlag(p, '--restart', 30, 1);
  if (!Number.isInteger(maxIterations)) throw new UsageError(`--max-iter needs an integer, got ${maxIterations}`);
  if (!Number.isInteger(restart)) throw new UsageError(`--restart needs an integer, got ${restart}`);
  const json = p.flags.has('--json');
  await init();
  const l = await loadMatrix(p.positional[0]);
  const A = l.matrix;
  let session: SolverSession | undefined;
  try {
    if (A.rows !== A.cols) throw new FileError(`${l.source}: the matrix is ${A.rows} x ${A.cols}; solve needs a square matrix`);
    const rhsFile = p.flags.get('--rhs');
    const b = typeof rhsFile === 'string' ? await readRhs(rhsFile, A.rows) : A.multiply(new Float64Array(A.cols).fill(1));
    session = new SolverSession(A, { method, precond, rtol, maxIterations, restart });
    const bar = progress(!json);
    const r = session.solve(b, undefined, { onIteration: bar.onIteration });
    bar.done();
    const o = { file: l.source, rows: A.rows, nnz: A.nnz, rhs: typeof rhsFile === 'string' ? rhsFile : 'A * ones', ...solveSummary(r, session) };
    const out = p.flags.get('-o');
    if (typeof out === 'string') {
      await writeFile(out, formatMatrixMarketArray(A.rows, 1, r.x, { comment: ` solution of ${l.source} by sparse-wasm (${r.method} + ${r.precond}, ${r.reason})` }));
    }
    if (json) process.stdout.write(JSON.stringify(o) + '\n');
    else {
      process.stdout.write(`${l.source}: ${A.rows} x ${A.cols}, nnz ${A.nnz}; b = ${o.rhs}\n`);
      printSolve(o);
    }
    return 0; // non-convergence is a result (see "converged" and "reason"), not an error
  } finally {
    session?.dispose();
    A.dispose();
  }
}

async function cmdDefault(args: string[]): Promise<number> {
  const p = parseArgs(args, ['--seconds'], ['--json']);
  if (p.positional.length) throw new UsageError(`unknown command ${p.positional[0]}`);
  const seconds = numberFlag(p, '--seconds', 1, 0);
  const rt = await init();
  const out: Record<string, unknown>[] = [];
  for (const file of [`gen:poisson2d:${DEFAULT_POISSON_K}`, BUNDLED]) {
    const l = await loadMatrix(file);
    try {
      const info = infoOf(l);
      const spmv = timeSpmv(rt, l.matrix, seconds);
      const A = l.matrix;
      const b = A.multiply(new Float64Array(A.cols).fill(1));
      const session = new SolverSession(A);
      let solve;
      try {
        const bar = progress(!p.flags.has('--json'));
        const r = session.solve(b, undefined, { onIteration: bar.onIteration });
        bar.done();
        solve = solveSummary(r, session);
      } finally {
        session.dispose();
      }
      out.push({ ...info, spmv, solve });
      if (!p.flags.has('--json')) {
        printInfo(info);
        printSpmv('', spmv);
        printSolve(solve);
      }
    } finally {
      l.matrix.dispose();
    }
  }
  if (p.flags.has('--json')) process.stdout.write(JSON.stringify({ simd: rt.simd, matrices: out }) + '\n');
  return 0;
}

function version(): string {
  try {
    return JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).version;
  } catch {
    return 'unknown';
  }
}

/** Runs the CLI; resolves to the exit code. Never throws for user errors. */
export async function main(args: string[]): Promise<number> {
  const [cmd, ...rest] = args;
  try {
    switch (cmd) {
      case undefined: return await cmdDefault([]);
      case 'info': return await cmdInfo(rest);
      case 'spmv': return await cmdSpmv(rest);
      case 'solve': return await cmdSolve(rest);
      case 'multiply': return await cmdMultiply(rest);
      case 'help': case '--help': case '-h':
        process.stdout.write(USAGE + '\n');
        return 0;
      case '--version': case '-v':
        process.stdout.write(version() + '\n');
        return 0;
      default:
        if (cmd.startsWith('-')) return await cmdDefault(args);
        throw new UsageError(`unknown command "${cmd}"`);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`sparse-wasm: ${e.message}\n${USAGE}\n`);
      return 2;
    }
    if (e instanceof SparseError || e instanceof FileError) {
      process.stderr.write(`sparse-wasm: ${e.message}\n`);
      return 1;
    }
    process.stderr.write(`sparse-wasm: internal error: ${(e as Error)?.message ?? String(e)}\n`);
    return 70;
  }
}
