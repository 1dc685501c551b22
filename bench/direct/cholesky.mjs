// Sparse Cholesky: ours (SparseCholesky, AMD ordering, supernodal multifrontal with SIMD dense
// kernels) against Eigen 3 SimplicialLLT with its AMD ordering, side by side in one run, on the
// 2D 5-point (k = 500: n = 250,000) and 3D 7-point (k = 40: n = 64,000) Poisson matrices.
// Per case: analyse (ordering + symbolic; ours split: AMD with the symmetry check, then the symbolic
// analysis), factor, solve (ms), nnz(L), GFLOP/s of the factorization
// (sum of column counts squared over the factor time) and the true relative residual ||b - Ax|| / ||b||.
// Eigen's driver (bench/native/eigen_cholesky.cpp) is compiled with g++ -O3 -march=native into a
// temporary directory; without g++ or the Eigen headers its rows are skipped with a notice.
// Usage: npm run build && node bench/direct/cholesky.mjs [--quick] [--json FILE]
//   (also a section of bench/direct.mjs: export run({ quick }) -> { title, rows, notes })
// Timings move by up to 30% on a shared machine: compare ratios within one run.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { init, CsrMatrix, SparseCholesky } from '../../dist/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const EIGEN_SOURCE = path.join(here, '..', 'native', 'eigen_cholesky.cpp');
const EIGEN_INCLUDE = process.env.EIGEN_INCLUDE ?? '/usr/include/eigen3';

/** 2D 5-point (4, -1) or 3D 7-point (6, -1) Poisson matrix as CSR arrays, lexicographic order. */
export function poissonArrays(dim, k) {
  const n = dim === 3 ? k * k * k : k * k;
  const rowPtr = new Int32Array(n + 1);
  const colIdx = new Int32Array(n * (dim === 3 ? 7 : 5));
  const values = new Float64Array(colIdx.length);
  let p = 0;
  const plane = k * k;
  for (let i = 0; i < n; i++) {
    const x = i % k, y = Math.floor(i / k) % k, z = dim === 3 ? Math.floor(i / plane) : 0;
    const put = (j, v) => { colIdx[p] = j; values[p++] = v; };
    if (dim === 3 && z > 0) put(i - plane, -1);
    if (y > 0) put(i - k, -1);
    if (x > 0) put(i - 1, -1);
    put(i, dim === 3 ? 6 : 4);
    if (x < k - 1) put(i + 1, -1);
    if (y < k - 1) put(i + k, -1);
    if (dim === 3 && z < k - 1) put(i + plane, -1);
    rowPtr[i + 1] = p;
  }
  return { n, rowPtr, colIdx: colIdx.slice(0, p), values: values.slice(0, p) };
}

function residual(A, x, b) {
  const ax = A.multiply(x);
  let r = 0, s = 0;
  for (let i = 0; i < b.length; i++) { r += (b[i] - ax[i]) ** 2; s += b[i] ** 2; }
  return Math.sqrt(r / s);
}

function ours(dim, k) {
  const { n, rowPtr, colIdx, values } = poissonArrays(dim, k);
  const A = CsrMatrix.fromCsr(n, n, rowPtr, colIdx, values);
  const b = Float64Array.from({ length: n }, (_, i) => 1 + (i % 7));
  let t = performance.now();
  const chol = SparseCholesky.analyze(A, { ordering: 'amd' });
  const analyzeMs = performance.now() - t;
  t = performance.now();
  chol.factor();
  const factorMs = performance.now() - t;
  t = performance.now();
  const x = chol.solve(b);
  const solveMs = performance.now() - t;
  const row = {
    case: `poisson${dim}d k=${k}`, n, impl: 'sparse-wasm', analyzeMs, factorMs, solveMs,
    totalMs: analyzeMs + factorMs + solveMs, nnzL: chol.info.nnzL, supernodes: chol.info.supernodes,
    gflops: chol.info.flops / factorMs / 1e6, residual: residual(A, x, b),
    orderingMs: chol.info.timings.orderingMs, symbolicMs: chol.info.timings.symbolicMs, ordering: chol.info.ordering,
  };
  chol.dispose();
  A.dispose();
  return row;
}

function compileEigen(notes) {
  if (!existsSync(EIGEN_SOURCE)) { notes.push(`Eigen skipped: ${EIGEN_SOURCE} not found`); return null; }
  if (!existsSync(path.join(EIGEN_INCLUDE, 'Eigen', 'SparseCholesky'))) {
    notes.push(`Eigen skipped: no Eigen headers in ${EIGEN_INCLUDE} (set EIGEN_INCLUDE)`);
    return null;
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'sparse-wasm-eigen-'));
  const bin = path.join(dir, 'eigen_cholesky');
  try {
    execFileSync('g++', ['-O3', '-march=native', '-DNDEBUG', `-I${EIGEN_INCLUDE}`, '-o', bin, EIGEN_SOURCE], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (e) {
    notes.push(`Eigen skipped: g++ failed or is missing (${e.code ?? e.status ?? e.message})`);
    rmSync(dir, { recursive: true, force: true });
    return null;
  }
  return { bin, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

function eigen(bin, dim, k) {
  const r = JSON.parse(execFileSync(bin, [`${dim}d`, String(k)]).toString());
  return {
    case: `poisson${dim}d k=${k}`, n: r.n, impl: 'Eigen SimplicialLLT+AMD', analyzeMs: r.analyzeMs, factorMs: r.factorMs,
    solveMs: r.solveMs, totalMs: r.analyzeMs + r.factorMs + r.solveMs, nnzL: r.nnzL, residual: r.residual,
  };
}

/** The section: rows of both implementations and the ratios ours / Eigen. */
export async function run({ quick = false } = {}) {
  await init({ initialMemoryMiB: 1024 });
  const cases = quick ? [[2, 100], [3, 15]] : [[2, 500], [3, 40]];
  const notes = [];
  const eig = compileEigen(notes);
  const rows = [];
  try {
    for (const [dim, k] of cases) {
      // the first run pays JIT compilation (the analysis is JavaScript) and the baseline wasm tier:
      // it is reported in the notes, the second (warm) run in the table
      const cold = ours(dim, k);
      const a = ours(dim, k);
      a.coldTotalMs = cold.totalMs;
      notes.push(`${a.case}: ours cold (first run in the process) ${cold.totalMs.toFixed(0)} ms, warm ${a.totalMs.toFixed(0)} ms`);
      rows.push(a);
      if (eig) {
        const e = eigen(eig.bin, dim, k);
        rows.push(e);
        a.timeRatio = a.totalMs / e.totalMs;
        a.nnzRatio = a.nnzL / e.nnzL;
        notes.push(
          `${a.case}: ours/Eigen total (analyse + factor + solve) ${a.timeRatio.toFixed(2)}x, factor alone ` +
            `${(a.factorMs / e.factorMs).toFixed(2)}x, nnz(L) ${a.nnzRatio.toFixed(3)}x`,
        );
      }
    }
  } finally {
    eig?.cleanup();
  }
  notes.push('targets: poisson2d k=500 total at most 1.5x Eigen; poisson3d k=40 at most 0.25x; nnz(L) within 1.2x of Eigen');
  return { title: 'Sparse Cholesky (LL^T) vs Eigen SimplicialLLT with AMD', rows, notes };
}

function fmt(v) {
  if (typeof v !== 'number') return String(v ?? '');
  if (Number.isInteger(v)) return v.toLocaleString('en-US');
  if (Math.abs(v) < 1e-3) return v.toExponential(1);
  return v.toFixed(v >= 100 ? 0 : 2);
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values: opts } = parseArgs({ options: { quick: { type: 'boolean', default: false }, json: { type: 'string' } } });
  const result = await run({ quick: opts.quick });
  const cols = ['case', 'impl', 'analyzeMs', 'orderingMs', 'symbolicMs', 'factorMs', 'solveMs', 'totalMs', 'nnzL', 'gflops', 'residual'];
  console.log(`## ${result.title}\n`);
  console.log(`| ${cols.join(' | ')} |\n|${cols.map(() => '---').join('|')}|`);
  for (const r of result.rows) console.log(`| ${cols.map((c) => fmt(r[c])).join(' | ')} |`);
  for (const n of result.notes) console.log(`- ${n}`);
  if (opts.json) writeFileSync(opts.json, JSON.stringify({ node: process.version, ...result }, null, 2));
}
