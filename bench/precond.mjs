#!/usr/bin/env node
// Preconditioner setup and apply on the 2D Poisson matrix (5-point, k x k grid, n = k^2):
// IC(0), ILU(0), ILUT(1e-4, 10), SSOR(1) and Jacobi, plus the cost of one PCG+IC(0) iteration
// assembled from its kernels (SpMV + apply + 2 dot + 3 axpy). Single thread.
//
//   node scripts/build.mjs && node bench/precond.mjs            k = 1000 (n = 1e6, nnz = 5e6)
//   node bench/precond.mjs --k 300 --reps 7 --json
//
// setup = constructor (pattern analysis + numeric factorization), refactor = numeric part alone
// for new values of the same pattern, apply = one z = M^-1 r. Times are the median (and min) over
// repetitions after a warm-up on a small grid (wasm's first large call runs in the baseline tier).
// "first setup" is the first construction, which also pays the first touch of fresh wasm pages
// (page faults, expensive on this VM: ~3 ms per MiB); later ones reuse freed memory.
// PETSc anchors (shared/anchors/native/results.md, poisson2d_1000, min): icc0 setup 32.9 ms, apply
// 10.0 ms; ilu0 setup 33.8 ms, apply 10.6 ms; PCG+ICC(0) 17.95 ms per iteration.
import { parseArgs } from 'node:util';
import { init, DenseVector } from '../dist/index.js';
import { poisson2d } from '../dist/matrix/generators.js';
import { Ic0Preconditioner } from '../dist/precond/ic0.js';
import { Ilu0Preconditioner } from '../dist/precond/ilu0.js';
import { IlutPreconditioner } from '../dist/precond/ilut.js';
import { SsorPreconditioner } from '../dist/precond/ssor.js';
import { JacobiPreconditioner } from '../dist/precond/jacobi.js';

const { values: opt } = parseArgs({
  options: {
    k: { type: 'string', default: '1000' },
    reps: { type: 'string', default: '5' },
    json: { type: 'boolean', default: false },
    only: { type: 'string' },
  },
});
const k = Number(opt.k), reps = Number(opt.reps);
const rt = await init({ initialMemoryMiB: 2048 });
const median = (a) => { const s = [...a].sort((p, q) => p - q), m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const time = (fn) => { const t0 = performance.now(); fn(); return performance.now() - t0; };
/** per-call time of fn: batches of >= 20 ms, at least `samples` of them */
function measure(fn, samples = 9) {
  fn();
  const one = Math.max(time(fn), 1e-3);
  const batch = Math.max(1, Math.ceil(20 / one));
  const out = [];
  for (let s = 0; s < samples; s++) out.push(time(() => { for (let b = 0; b < batch; b++) fn(); }) / batch);
  return { ms: median(out), min: Math.min(...out) };
}

const kinds = [
  ['ic0', (A) => new Ic0Preconditioner(A), 'PETSc icc0 32.9 / 10.0'],
  ['ilu0', (A) => new Ilu0Preconditioner(A), 'PETSc ilu0 33.8 / 10.6'],
  ['ilut(1e-4,10)', (A) => new IlutPreconditioner(A, { dropTolerance: 1e-4, maxFill: 10 }), 'Eigen ilut 4124 / 69.3'],
  ['ssor(1)', (A) => new SsorPreconditioner(A, { omega: 1 }), ''],
  ['jacobi', (A) => new JacobiPreconditioner(A), ''],
].filter(([name]) => !opt.only || new RegExp(opt.only).test(name));

// warm-up on a small grid: every kernel reaches the optimising tier
{
  const W = poisson2d(64);
  const r = rt.alloc(W.rows * 8), z = rt.alloc(W.rows * 8);
  rt.f64(r, W.rows).fill(1);
  for (let it = 0; it < 20; it++) {
    for (const [, make] of kinds) { const P = make(W); P.refactor(W); P.applyPtr(r, z); P.dispose(); }
  }
  rt.free(r); rt.free(z);
  W.dispose();
}

const A = poisson2d(k);
const n = A.rows;
A.prepareSpmv();
const r = DenseVector.zeros(n), z = DenseVector.zeros(n);
const rv = r.data;
for (let i = 0; i < n; i++) rv[i] = Math.sin(i + 1);
const rows = [];
let ic0ApplyMs = NaN;
for (const [name, make, anchor] of kinds) {
  const setups = [];
  let P;
  const nrep = name.startsWith('ilut') && k >= 500 ? Math.min(reps, 3) : reps;
  for (let i = 0; i <= nrep; i++) {
    P?.dispose();
    setups.push(time(() => { P = make(A); }));
  }
  const refactors = [];
  for (let i = 0; i < nrep; i++) refactors.push(time(() => P.refactor(A)));
  const ap = measure(() => P.applyPtr(r.ptr, z.ptr));
  if (name === 'ic0') ic0ApplyMs = ap.ms;
  let finite = true;
  for (const v of z.data) if (!Number.isFinite(v)) { finite = false; break; }
  rows.push({
    name, firstSetupMs: setups[0], setupMs: median(setups.slice(1)), setupMin: Math.min(...setups.slice(1)), refactorMs: median(refactors), refactorMin: Math.min(...refactors),
    applyMs: ap.ms, applyMin: ap.min, nnz: P.info.nnz ?? '', analysisMs: P.info.analysisMs, finite, anchor,
  });
  P.dispose();
}

// one PCG+IC(0) iteration from its parts: q = A p; 2 dots; x += a p; r -= a q; z = M^-1 r; p = z + b p
let iteration;
if (Number.isFinite(ic0ApplyMs)) {
  const e = rt.kernels;
  const p = DenseVector.zeros(n), q = DenseVector.zeros(n), x = DenseVector.zeros(n);
  p.data.fill(1);
  const spmv = measure(() => A.multiply(p, q));
  const blas = measure(() => {
    e.dot(n, p.ptr, q.ptr);
    e.axpy(n, 1e-9, p.ptr, x.ptr);
    e.axpy(n, -1e-9, q.ptr, r.ptr);
    e.dot(n, r.ptr, z.ptr);
    e.axpy(n, 0.5, p.ptr, z.ptr); // stands in for p = z + beta p (same traffic)
  });
  iteration = { spmvMs: spmv.ms, blasMs: blas.ms, applyMs: ic0ApplyMs, totalMs: spmv.ms + blas.ms + ic0ApplyMs, petscMs: 17.95 };
}

if (opt.json) {
  console.log(JSON.stringify({ k, n, nnz: A.nnz, simd: rt.simd, node: process.version, rows, iteration }, null, 2));
} else {
  const f = (v) => (typeof v !== 'number' ? String(v) : v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));
  console.log(`2D Poisson k = ${k}: n = ${n}, nnz = ${A.nnz}; ${rt.simd ? 'SIMD' : 'scalar'} build, Node ${process.version}`);
  console.log('times in ms: median (min)');
  const head = ['preconditioner', 'first setup', 'setup', 'refactor', 'apply', 'nnz(M)', 'anchor setup / apply'];
  const body = rows.map((x) => [
    x.name, f(x.firstSetupMs), `${f(x.setupMs)} (${f(x.setupMin)})`, `${f(x.refactorMs)} (${f(x.refactorMin)})`, `${f(x.applyMs)} (${f(x.applyMin)})`,
    String(x.nnz), x.anchor + (x.finite ? '' : '  NOT FINITE'),
  ]);
  const w = head.map((h, j) => Math.max(h.length, ...body.map((b) => b[j].length)));
  for (const line of [head, w.map((x) => '-'.repeat(x)), ...body]) console.log(line.map((c, j) => (j === 0 || j === 6 ? c.padEnd(w[j]) : c.padStart(w[j]))).join('  '));
  if (iteration) {
    console.log(
      `PCG+IC(0) iteration ~ ${f(iteration.totalMs)} ms = SpMV ${f(iteration.spmvMs)} + IC(0) apply ${f(iteration.applyMs)} + ` +
        `2 dot, 3 axpy ${f(iteration.blasMs)} (PETSc: ${iteration.petscMs} ms)`,
    );
  }
}
A.dispose();
