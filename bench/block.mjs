// Block kernels (assembly/block.ts) and block Gram-Schmidt (src/solvers/orthogonalize.ts),
// measured side by side in one run:
//   kernels  W^T v and v -= C y: multiDot/multiAxpy against k calls of dot/axpy and plain JS;
//            f32 storage of the block against f64; one Gram-Schmidt step (j columns) with the
//            former two-pass MGS kernel against CGS2 always-twice, CGS2 selective and CGS + lazy
//            reorthogonalization.
//   arnoldi  how often the selective criterion asks for the second pass in real Arnoldi cycles
//            (GMRES(40) with ILU(0) on the varcoef and convection-diffusion matrices).
//   f32      what f32 storage of a recycle space does to iterations: CG+IC(0) on the varcoef
//            sequence from a Galerkin initial guess on the span of the last q solutions, the
//            solutions stored as f64 and as f32 (projection computed in f64 either way).
//   gmres    the 20-system varcoef 128x128 sequence, GMRES(40)+ILU(0) rebuilt per system, b = ones,
//            rtol 1e-8: total iterations and time (run it in two checkouts for before/after).
// Usage: npm run build && node bench/block.mjs [--quick] [--only kernels,arnoldi,gmres] [--rounds R] [--json FILE]
// Timings move by up to 30% on a shared machine: compare ratios within one run, on a quiet machine.
import { parseArgs } from 'node:util';
import { writeFileSync } from 'node:fs';
import { Bench } from 'tinybench';
import { init, CsrMatrix, SolverSession, Ilu0Preconditioner } from '../dist/index.js';
import { BlockGramSchmidt } from '../dist/solvers/orthogonalize.js';
import { varcoefSequence, convectionDiffusion2d } from '../dist/sequence/generators.js';
import { dotJs, axpyJs } from './lib/js-kernels.mjs';

const { values: opts } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string', default: 'kernels,arnoldi,f32,gmres' },
    rounds: { type: 'string', default: '3' },
    json: { type: 'string' },
  },
});
const parts = new Set(opts.only.split(','));
const quick = opts.quick;
const rt = await init({ initialMemoryMiB: 1024 });
const K = rt.kernels ?? rt.exports;
const out = { node: process.version, simd: rt.simd, kernels: [], arnoldi: [], f32: [], gmres: [] };

const fillRandom = (a, seed) => {
  let s = seed >>> 0 || 1;
  for (let i = 0; i < a.length; i++) { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; a[i] = s / 2 ** 31 - 1; }
};
const fmtUs = (ms) => (ms * 1000).toFixed(1);

async function runBench(tasks, time) {
  const bench = new Bench({ time, warmupTime: time / 4 });
  for (const [name, fn] of tasks) bench.add(name, fn);
  await bench.run();
  return bench.tasks.map((t) => ({ name: t.name, ms: t.result.latency?.p50 ?? t.result.latency?.mean ?? NaN }));
}

if (parts.has('kernels')) {
  console.log('## Block kernels (median per call, microseconds; ratio = this / the block kernel)\n');
  const sizes = quick ? [[16384, 10]] : [[16384, 10], [16384, 40], [262144, 10], [262144, 40]];
  for (const [n, k] of sizes) {
    const W = rt.alloc(n * (k + 1) * 8), W32 = rt.alloc(n * k * 4), v = rt.alloc(n * 8), v0 = rt.alloc(n * 8);
    const h = rt.alloc((k + 1) * 8), h2 = rt.alloc((k + 1) * 8);
    fillRandom(rt.f64(W, n * k), 1);
    fillRandom(rt.f64(v0, n), 2);
    fillRandom(rt.f64(h, k), 3);
    K.demoteF64(n * k, W, W32);
    // orthonormal-ish columns for the Gram-Schmidt step: random vectors of large n are nearly orthogonal
    for (let j = 0; j < k; j++) K.scal(n, 1 / K.nrm2(n, W + j * n * 8), W + j * n * 8);
    // JS baselines over their own arrays (copies of the same data): fresh arrays per size, as a user would have
    const Wjs = Array.from({ length: k }, (_, j) => Float64Array.from(rt.f64(W + j * n * 8, n)));
    const vjs = Float64Array.from(rt.f64(v0, n)), hjs = Float64Array.from(rt.f64(h, k));
    const gs = { always: new BlockGramSchmidt(K, n, 'always'), selective: new BlockGramSchmidt(K, n, 'selective'), never: new BlockGramSchmidt(K, n, 'never') };
    const reset = () => K.copy(n, v0, v);
    const time = quick ? 100 : 400;
    const rows = await runBench([
      ['multiDot', () => K.multiDot(W, k, n, v0, h2)],
      ['k x dot (wasm)', () => { for (let j = 0; j < k; j++) K.dot(n, W + j * n * 8, v0); }],
      ['JS dot loop', () => { for (let j = 0; j < k; j++) dotJs(n, Wjs[j], vjs); }],
      ['multiDotF32', () => K.multiDotF32(W32, k, n, v0, h2)],
      ['multiAxpy', () => K.multiAxpy(W, k, n, h, v)],
      ['k x axpy (wasm)', () => { const hv = rt.f64(h, k); for (let j = 0; j < k; j++) K.axpy(n, -hv[j], W + j * n * 8, v); }],
      ['JS axpy loop', () => { for (let j = 0; j < k; j++) axpyJs(n, -hjs[j], Wjs[j], vjs); }],
      ['multiAxpyF32', () => K.multiAxpyF32(W32, k, n, h, v)],
      ['GS step: copy only', () => reset()],
      ['GS step: MGS2 kernel (former GMRES)', () => { reset(); K.orthogonalize(n, k, W, v, h2); K.nrm2(n, v); }],
      ['GS step: CGS2 always (3 sweeps)', () => { reset(); gs.always.orthogonalize(W, k, v, h2, h); }],
      ['GS step: CGS2 selective, no 2nd pass (2 sweeps, fused)', () => { reset(); gs.selective.orthogonalize(W, k, v, h2, h); }],
      ['GS step: CGS1 (2 sweeps, unfused)', () => { reset(); gs.never.orthogonalize(W, k, v, h2, h); }],
    ], time);
    // the axpy rows ran on a v that drifts; harmless for timing (values stay finite: |h| < 1, few hundred calls)
    const base = { dot: rows[0].ms, axpy: rows[4].ms, gs: rows[9].ms };
    console.log(`n = ${n}, k = ${k} (block ${(n * k * 8 / 2 ** 20).toFixed(1)} MiB f64)\n`);
    console.log('| operation | us / call | ratio |');
    console.log('|---|---|---|');
    rows.forEach((r, i) => {
      const ref = i < 4 ? base.dot : i < 8 ? base.axpy : base.gs;
      console.log(`| ${r.name} | ${fmtUs(r.ms)} | ${(r.ms / ref).toFixed(2)} |`);
      out.kernels.push({ n, k, ...r });
    });
    console.log(`(GS rows: ratio to the MGS2 kernel; selective did ${gs.selective.secondPasses} second passes in ${gs.selective.calls} calls here)\n`);
    [W, W32, v, v0, h, h2].forEach((p) => rt.free(p));
  }
}

/** CsrMatrix from the generators' plain arrays */
const toCsr = (a) => CsrMatrix.fromCsr(a.rows, a.cols, a.indptr, a.indices, a.data);

if (parts.has('arnoldi')) {
  console.log('## How often the selective criterion reorthogonalizes (Arnoldi with ILU(0), m = 40, 3 cycles)\n');
  console.log('| matrix | columns orthogonalized | second passes | fraction |');
  console.log('|---|---|---|---|');
  const N = quick ? 64 : 128;
  const mats = [['varcoef 128x128 (system 0)', varcoefSequence({ N, count: 1 }).load(0).A], ['convection-diffusion, wind (20, 10)', convectionDiffusion2d(N, 20, 10)]];
  for (const [label, arr] of mats) {
    const A = toCsr(arr), M = new Ilu0Preconditioner(A), n = A.rows, m = 40;
    const V = rt.alloc(n * (m + 1) * 8), z = rt.alloc(n * 8), h = rt.alloc((m + 1) * 8), work = rt.alloc((m + 1) * 8);
    const gs = new BlockGramSchmidt(K, n, 'selective');
    K.fill(n, 1, V);
    for (let cycle = 0; cycle < 3; cycle++) {
      K.scal(n, 1 / K.nrm2(n, V), V);
      for (let j = 0; j < m; j++) {
        M.applyPtr(V + j * n * 8, z);
        A.multiplyPtr(z, V + (j + 1) * n * 8);
        const hn = gs.orthogonalize(V, j + 1, V + (j + 1) * n * 8, h, work);
        K.scal(n, 1 / hn, V + (j + 1) * n * 8);
      }
      K.copy(n, V + m * n * 8, V); // next cycle from the last vector (a stand-in for the residual)
    }
    console.log(`| ${label} | ${gs.calls} | ${gs.secondPasses} | ${(gs.secondPasses / gs.calls).toFixed(2)} |`);
    out.arnoldi.push({ label, calls: gs.calls, secondPasses: gs.secondPasses });
    [V, z, h, work].forEach((p) => rt.free(p));
    M.dispose(); A.dispose();
  }
  console.log('');
}

/** y = A x for plain arrays (the generators' CSR) */
function csrMul(a, x, y) {
  for (let i = 0; i < a.rows; i++) {
    let s = 0;
    for (let p = a.indptr[i]; p < a.indptr[i + 1]; p++) s += a.data[p] * x[a.indices[p]];
    y[i] = s;
  }
}

/** x0 = S (S^T A S)^-1 S^T b over the stored solutions S (any typed array: the storage under test) */
function galerkinGuess(a, S, b) {
  const q = S.length, n = a.rows;
  if (q === 0) return null;
  const AS = S.map((s) => { const y = new Float64Array(n); csrMul(a, Float64Array.from(s), y); return y; });
  const G = Array.from({ length: q }, (_, i) => Array.from({ length: q }, (_, j) => { let t = 0; for (let p = 0; p < n; p++) t += S[i][p] * AS[j][p]; return t; }));
  const g = S.map((s) => { let t = 0; for (let p = 0; p < n; p++) t += s[p] * b[p]; return t; });
  // Gaussian elimination with partial pivoting (q <= 6); a singular G (repeated solutions) drops to fewer vectors
  for (let c = 0; c < q; c++) {
    let piv = c;
    for (let r = c + 1; r < q; r++) if (Math.abs(G[r][c]) > Math.abs(G[piv][c])) piv = r;
    if (!(Math.abs(G[piv][c]) > 1e-14 * Math.abs(G[0][0]))) return galerkinGuess(a, S.slice(1), b);
    [G[c], G[piv]] = [G[piv], G[c]]; [g[c], g[piv]] = [g[piv], g[c]];
    for (let r = c + 1; r < q; r++) { const f = G[r][c] / G[c][c]; for (let j = c; j < q; j++) G[r][j] -= f * G[c][j]; g[r] -= f * g[c]; }
  }
  const y = new Float64Array(q);
  for (let r = q - 1; r >= 0; r--) { let t = g[r]; for (let j = r + 1; j < q; j++) t -= G[r][j] * y[j]; y[r] = t / G[r][r]; }
  const x0 = new Float64Array(n);
  S.forEach((s, j) => { for (let p = 0; p < n; p++) x0[p] += y[j] * s[p]; });
  return x0;
}

if (parts.has('f32')) {
  const N = quick ? 64 : 128, count = quick ? 6 : 20, q = 6;
  console.log(`## f32 storage of the recycle space: CG+IC(0), varcoef ${N}x${N} x ${count}, Galerkin guess on the last ${q} solutions\n`);
  console.log('| rtol | solutions stored as | total iterations | systems 2.. (mean) |');
  console.log('|---|---|---|---|');
  const seq = varcoefSequence({ N, count });
  for (const rtol of [1e-8, 1e-6]) {
    for (const store of ['none (x0 = 0)', 'f64', 'f32']) {
      const S = [];
      let total = 0, later = 0;
      for (let i = 0; i < count; i++) {
        const { A: arr, b } = seq.load(i);
        const A = toCsr(arr);
        const s = new SolverSession(A, { method: 'cg', precond: 'ic0', rtol, maxIterations: 20000 });
        const x0 = store.startsWith('none') ? null : galerkinGuess(arr, S, b);
        const r = s.solve(b, x0);
        if (!r.converged) throw new Error(`CG did not converge on system ${i}: ${r.reason}`);
        total += r.iterations; if (i > 0) later += r.iterations;
        if (!store.startsWith('none')) { S.push(store === 'f32' ? Float32Array.from(r.x) : Float64Array.from(r.x)); if (S.length > q) S.shift(); }
        s.dispose(); A.dispose();
      }
      console.log(`| ${rtol} | ${store} | ${total} | ${(later / (count - 1)).toFixed(1)} |`);
      out.f32.push({ rtol, store, total, laterMean: later / (count - 1) });
    }
  }
  console.log('');
}

if (parts.has('gmres')) {
  const rounds = Number(opts.rounds);
  const N = quick ? 64 : 128, count = quick ? 4 : 20;
  console.log(`## GMRES(40)+ILU(0), varcoef ${N}x${N} sequence of ${count} systems (rtol 1e-8, x0 = 0, ILU(0) rebuilt per system)\n`);
  console.log('| round | iterations | setup ms | solve ms | total ms |');
  console.log('|---|---|---|---|---|');
  const seq = varcoefSequence({ N, count });
  const systems = Array.from({ length: count }, (_, i) => seq.load(i));
  for (let round = 0; round < rounds; round++) {
    let its = 0, setup = 0, solve = 0;
    for (const { A: arr, b } of systems) {
      const t0 = performance.now();
      const A = toCsr(arr), M = new Ilu0Preconditioner(A);
      const s = new SolverSession(A, { method: 'gmres', precond: M, restart: 40, rtol: 1e-8, maxIterations: 20000 });
      const t1 = performance.now();
      const r = s.solve(b);
      const t2 = performance.now();
      if (!r.converged) throw new Error(`system did not converge: ${r.reason}`);
      its += r.iterations; setup += t1 - t0; solve += t2 - t1;
      s.dispose(); M.dispose(); A.dispose();
    }
    console.log(`| ${round} | ${its} | ${setup.toFixed(0)} | ${solve.toFixed(0)} | ${(setup + solve).toFixed(0)} |`);
    out.gmres.push({ round, iterations: its, setupMs: setup, solveMs: solve });
  }
  console.log('');
}

if (opts.json) writeFileSync(opts.json, JSON.stringify(out, null, 2));
