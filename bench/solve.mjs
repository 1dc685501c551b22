// Solver benchmark: sparse-wasm against PETSc (petsc4py), a hand-written JavaScript CG and mathjs's
// sparse LU, side by side in one run. Times are wall clock, single thread.
//
//   node bench/solve.mjs            the PETSc comparison on $TMPDIR/bench-matrices (gen_matrices.py)
//   node bench/solve.mjs --quick    small generated problems only (CI smoke run)
//   options: --matrices DIR, --no-petsc, --rounds N (ours/PETSc alternated N times; default 1)
//
// Problem: b = A * ones, x0 = 0, stop at ||b - A x|| <= 1e-8 ||b|| (PETSc: unpreconditioned norm).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { init, poisson2d, SolverSession, Ic0Preconditioner, Ilu0Preconditioner } from '../dist/index.js';
import { readMatrix } from '../dist/node.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const value = (name, dflt) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : dflt; };
const quick = flag('--quick');
const dir = value('--matrices', path.join(os.tmpdir(), 'bench-matrices'));
const rounds = Number(value('--rounds', '1'));
const PETSC_DIR = '/usr/lib/petscdir/petsc3.18/x86_64-linux-gnu-real';
const petscOk = !flag('--no-petsc') && existsSync(PETSC_DIR);

await init({ initialMemoryMiB: 2048 });

const fmt = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(ms < 10 ? 2 : 1)} ms`);

/** our PCG + IC(0) or GMRES(30) + ILU(0): preconditioner setup and solve timed apart */
function ours(A, method, precond) {
  const b = A.multiply(new Float64Array(A.cols).fill(1));
  A.prepareSpmv();
  const t0 = performance.now();
  const M = precond === 'ic0' ? new Ic0Preconditioner(A) : precond === 'ilu0' ? new Ilu0Preconditioner(A) : null;
  const setupMs = performance.now() - t0;
  // a second build: page faults of fresh wasm memory are paid once per process, not per setup
  let warmSetupMs = setupMs;
  if (M) { const t1 = performance.now(); M.refactor(A); warmSetupMs = performance.now() - t1; }
  const s = new SolverSession(A, { method, precond: M ?? 'none', restart: 30, maxIterations: 20000 });
  const r = s.solve(b);
  s.dispose();
  M?.dispose();
  return { setupMs, refactorMs: warmSetupMs, solveMs: r.solveMs, iterations: r.iterations, relativeResidual: r.relativeResidual, reason: r.reason };
}

function petsc(file, ksp, pc) {
  const out = execFileSync('/usr/bin/python3', [path.join(here, 'petsc_solve.py'), file, ksp, pc, '30'], {
    env: { ...process.env, PETSC_DIR, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1' }, encoding: 'utf8',
  });
  return JSON.parse(out.trim().split('\n').pop());
}

/** the CG a user would write by hand over typed arrays (unpreconditioned) */
function jsCg(A, budgetMs) {
  const n = A.rows, rp = A.rowPtr.slice(), ci = A.colIdx.slice(), v = A.values.slice();
  const mv = (x, y) => { for (let i = 0; i < n; i++) { let s = 0; for (let p = rp[i]; p < rp[i + 1]; p++) s += v[p] * x[ci[p]]; y[i] = s; } };
  const b = new Float64Array(n); mv(new Float64Array(n).fill(1), b);
  const x = new Float64Array(n), r = b.slice(), p = b.slice(), q = new Float64Array(n);
  let rr = 0; for (let i = 0; i < n; i++) rr += r[i] * r[i];
  const stop = 1e-16 * rr;
  const t0 = performance.now();
  let it = 0;
  while (rr > stop) {
    mv(p, q);
    let pq = 0; for (let i = 0; i < n; i++) pq += p[i] * q[i];
    const a = rr / pq;
    let rn = 0;
    for (let i = 0; i < n; i++) { x[i] += a * p[i]; r[i] -= a * q[i]; rn += r[i] * r[i]; }
    const beta = rn / rr; rr = rn;
    for (let i = 0; i < n; i++) p[i] = r[i] + beta * p[i];
    it++;
    if (performance.now() - t0 > budgetMs) return { iterations: it, ms: performance.now() - t0, finished: false };
  }
  return { iterations: it, ms: performance.now() - t0, finished: true };
}

/** mathjs's sparse LU (a CSparse port, AMD ordering) + lusolve; checks its residual */
async function mathjsLu(A) {
  const math = await import('mathjs');
  const n = A.rows;
  const t = A.transpose(); // mathjs stores CSC: the CSR arrays of A^T
  const SM = new math.SparseMatrix({ values: Array.from(t.values), index: Array.from(t.colIdx), ptr: Array.from(t.rowPtr), size: [n, n], datatype: 'number' });
  t.dispose();
  const bArr = A.multiply(new Float64Array(n).fill(1));
  const b = math.matrix(Array.from(bArr), 'dense');
  const t0 = performance.now();
  const f = math.slu(SM, 1, 0.001);
  const t1 = performance.now();
  const x = Float64Array.from(math.lusolve(f, b).toArray().flat());
  const t2 = performance.now();
  const ax = A.multiply(x);
  let rr = 0, bb = 0;
  for (let i = 0; i < n; i++) { rr += (ax[i] - bArr[i]) ** 2; bb += bArr[i] ** 2; }
  return { factorMs: t1 - t0, solveMs: t2 - t1, totalMs: t2 - t0, relativeResidual: Math.sqrt(rr / bb) };
}

const results = { when: new Date().toISOString(), node: process.version, petsc: petscOk, cases: [] };

// 1. PETSc comparison on the generated benchmark matrices
const cases = quick
  ? []
  : [
      ['poisson2d_1000', 'cg', 'ic0', 'cg', 'icc'],
      ['poisson3d_100', 'cg', 'ic0', 'cg', 'icc'],
      ['varcoef2d_512', 'cg', 'ic0', 'cg', 'icc'],
      ['convdiff2d_512', 'gmres', 'ilu0', 'gmres', 'ilu'],
    ];
if (cases.length && !existsSync(path.join(dir, 'poisson2d_1000.mtx'))) {
  console.error(`no matrices in ${dir}: run python3 ../shared/anchors/native/gen_matrices.py --outdir ${dir}`);
  process.exit(1);
}
console.log('| matrix | solver | library | setup (factorization) | solve | iterations | ms / iteration | true rel. residual |');
console.log('|---|---|---|---|---|---|---|---|');
for (const [name, method, precond, ksp, pc] of cases) {
  const file = path.join(dir, `${name}.mtx`);
  const { matrix: A } = await readMatrix(file);
  for (let round = 0; round < rounds; round++) {
    const o = ours(A, method, precond);
    const label = `${method === 'cg' ? 'PCG' : 'GMRES(30)'} + ${precond === 'ic0' ? 'IC(0)' : 'ILU(0)'}`;
    console.log(`| ${name} | ${label} | sparse-wasm | ${fmt(o.setupMs)} (again: ${fmt(o.refactorMs)}) | ${fmt(o.solveMs)} | ${o.iterations} | ${(o.solveMs / o.iterations).toFixed(2)} | ${o.relativeResidual.toExponential(2)} |`);
    results.cases.push({ name, library: 'sparse-wasm', method, precond, round, ...o });
    if (petscOk) {
      const p = petsc(file, ksp, pc);
      console.log(`| ${name} | ${label} | PETSc 3.18 | ${fmt(p.setupMs)} | ${fmt(p.solveMs)} | ${p.iterations} | ${(p.solveMs / p.iterations).toFixed(2)} | ${p.relativeResidual.toExponential(2)} |`);
      results.cases.push({ name, library: 'petsc', method, precond, round, ...p });
    }
  }
  A.dispose();
}

// 2. JavaScript peers on 2D Poisson (no JS package has PCG or ILU: a hand-written CG and mathjs's LU)
console.log('\n| 2D Poisson | sparse-wasm PCG+IC(0) | sparse-wasm CG | hand-written JS CG | mathjs slu + lusolve |');
console.log('|---|---|---|---|---|');
for (const k of quick ? [30] : [100, 300, 1000]) {
  const A = poisson2d(k);
  const pcg = ours(A, 'cg', 'ic0');
  const cg = ours(A, 'cg', 'none');
  const js = jsCg(A, quick ? 2000 : 60000);
  let lu = 'skipped (> 30 s at k = 300)';
  if (k <= 100) { const m = await mathjsLu(A); lu = `${fmt(m.totalMs)} (factor ${fmt(m.factorMs)}; residual ${m.relativeResidual.toExponential(1)})`; results.cases.push({ name: `poisson2d_${k}`, library: 'mathjs-slu', ...m }); }
  console.log(`| k = ${k} | ${fmt(pcg.setupMs + pcg.solveMs)} (${pcg.iterations} it) | ${fmt(cg.solveMs)} (${cg.iterations} it) | ${fmt(js.ms)} (${js.iterations} it${js.finished ? '' : ', stopped at the time budget'}) | ${lu} |`);
  results.cases.push({ name: `poisson2d_${k}`, library: 'sparse-wasm pcg+ic0', ...pcg }, { name: `poisson2d_${k}`, library: 'sparse-wasm cg', ...cg }, { name: `poisson2d_${k}`, library: 'js-cg', ...js });
  A.dispose();
}
mkdirSync(path.join(here, 'results'), { recursive: true });
writeFileSync(path.join(here, 'results', quick ? 'solve-quick.json' : 'solve.json'), JSON.stringify(results, null, 1));
