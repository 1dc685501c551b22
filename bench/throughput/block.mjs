// Many right-hand sides at once (issue 10, item 4), side by side in one run:
//   spmm     Y = A X with k = 8 (csrSpmm, one pass over A) against 8 SpMVs, Poisson 2D
//   trsm     the IC(0) apply on k = 8 vectors (block triangular solves) against 8 single applies
//   solve    session.solveMany(B) with k = 8, CG + IC(0), against 8 session.solve(b_j): time per
//            right-hand side and its ratio (the issue's target: <= 0.5); the results are checked
//            equal (iterations; x bit for bit) before anything is reported
//   active   what a stopped column costs: activeSet 'compact' against 'mask', k = 8 right-hand
//            sides that converge at very different iterations (CG + IC(0))
// Grid k = 1000 (n = 1e6, the issue's poisson2d_1000); --quick: k = 200 (n = 40,000), for CI.
// Usage: npm run build && node bench/throughput/block.mjs [--quick] [--rounds R] [--grid G] [--max-iterations M] [--json FILE]
//   (--max-iterations caps both the block and the single solves: a per-iteration comparison, faster)
// Section of bench/throughput.mjs: run({ quick }) -> { title, rows, notes }.
// Timings move by up to 30% on a shared machine: ratios within one run count, on a quiet machine.
import { parseArgs } from 'node:util';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { init, poisson2d, SolverSession, Ic0Preconditioner } from '../../dist/index.js';
import { median } from '../lib/stats.mjs';

const K = 8;

/** a seeded random vector in [-1, 1) */
function randomVector(n, seed) {
  let s = seed >>> 0 || 1;
  const v = new Float64Array(n);
  for (let i = 0; i < n; i++) { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; v[i] = s / 2 ** 31 - 1; }
  return v;
}

/** median ms of `reps` timed calls after one warm-up call */
function timeIt(fn, reps) {
  fn();
  const t = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    fn();
    t.push(performance.now() - t0);
  }
  return median(t);
}

const fmt = (ms) => (ms >= 100 ? ms.toFixed(0) : ms.toFixed(2));

export async function run({ quick = false, rounds = 1, grid, maxIterations } = {}) {
  const rt = await init({ initialMemoryMiB: quick ? 256 : 1800 });
  const g = grid ?? (quick ? 200 : 1000);
  const A = poisson2d(g);
  A.prepareSpmv();
  const n = A.rows;
  const rows = [];
  const notes = [
    `Poisson 2D ${g} x ${g} (n = ${n.toLocaleString('en-US')}, nnz = ${A.nnz.toLocaleString('en-US')}, SpMV layout ${A.spmvLayout}), k = ${K}, ${rt.simd ? 'SIMD' : 'scalar'} build, Node ${process.version}`,
    'block layout: row-major n x k (entry (i, j) at i*k + j): each a_ij is read once and applied to k contiguous values',
  ];
  const e = rt.kernels;
  const reps = quick ? 20 : 7;

  // ---- SpMM against k SpMVs (wasm pointers: the kernels alone, no copies in or out)
  const X = rt.alloc(n * K * 8), Y = rt.alloc(n * K * 8);
  const xs = Array.from({ length: K }, () => rt.alloc(n * 8)), ys = Array.from({ length: K }, () => rt.alloc(n * 8));
  for (let j = 0; j < K; j++) rt.f64(xs[j], n).set(randomVector(n, j + 1));
  for (let j = 0; j < K; j++) e.mvSetColumn(n, K, j, xs[j], X);
  e.fill(n * K, 0, Y);
  for (const y of ys) e.fill(n, 0, y);
  const spmm = timeIt(() => A.multiplyBlockPtr(K, X, Y), reps);
  const spmv8 = timeIt(() => { for (let j = 0; j < K; j++) A.multiplyPtr(xs[j], ys[j]); }, reps);
  rows.push({ case: `SpMM k = ${K} vs ${K} SpMVs`, blockMs: fmt(spmm), singlesMs: fmt(spmv8), ratio: (spmm / spmv8).toFixed(3) });

  // ---- IC(0) apply on a block against k single applies
  const M = new Ic0Preconditioner(A);
  const Z = rt.alloc(n * K * 8);
  const trsm = timeIt(() => M.applyBlockPtr(K, X, Z), reps);
  const trsv8 = timeIt(() => { for (let j = 0; j < K; j++) M.applyPtr(xs[j], ys[j]); }, reps);
  rows.push({ case: `IC(0) apply k = ${K} vs ${K} applies`, blockMs: fmt(trsm), singlesMs: fmt(trsv8), ratio: (trsm / trsv8).toFixed(3) });
  M.dispose();
  for (const p of [X, Y, Z, ...xs, ...ys]) rt.free(p);

  // ---- solveMany against k single solves, CG + IC(0)
  const S = new SolverSession(A, { method: 'cg', precond: 'ic0', rtol: 1e-8, ...(maxIterations ? { maxIterations } : {}) });
  const B = Array.from({ length: K }, (_, j) => randomVector(n, 100 + j));
  if (quick) { S.solveMany(B); S.solve(B[0]); } // warm-up (the full size is long enough not to need one)
  const blockTimes = [], singleTimes = [];
  let many, singles;
  for (let r = 0; r < rounds; r++) {
    let t0 = performance.now();
    many = S.solveMany(B);
    blockTimes.push(performance.now() - t0);
    t0 = performance.now();
    singles = B.map((b) => S.solve(b));
    singleTimes.push(performance.now() - t0);
  }
  // the results must be the single solves', bit for bit, before a time is worth reporting
  many.results.forEach((res, j) => {
    const s = singles[j];
    if (res.iterations !== s.iterations || res.reason !== s.reason || res.x.some((v, i) => !Object.is(v, s.x[i]))) {
      throw new Error(`solveMany column ${j} differs from its single solve`);
    }
  });
  const tb = median(blockTimes), ts = median(singleTimes);
  const its = many.results.map((res) => res.iterations);
  rows.push({
    case: `CG + IC(0), ${K} right-hand sides: solveMany vs ${K} solves (per right-hand side)`,
    blockMs: fmt(tb / K), singlesMs: fmt(ts / K), ratio: (tb / ts).toFixed(3),
    iterations: `${Math.min(...its)}-${Math.max(...its)}`,
  });
  notes.push(`solve: rtol 1e-8${maxIterations ? `, maxIterations ${maxIterations} (a per-iteration comparison)` : ''}, random b_j; the ${K} columns took ${its.join(', ')} iterations (equal to the single solves', x bitwise equal); ${rounds} round(s), median`);
  S.dispose();

  // ---- compact against mask: columns that stop early (a zero, a smooth and unit right-hand sides)
  const g2 = quick ? 100 : 400;
  const A2 = poisson2d(g2);
  const n2 = A2.rows;
  const S2 = new SolverSession(A2, { method: 'cg', precond: 'ic0', rtol: 1e-8 });
  const ones = A2.multiply(new Float64Array(n2).fill(1));
  const B2 = Array.from({ length: K }, (_, j) => {
    if (j < 4) return randomVector(n2, 7 + j);
    if (j === 4) return new Float64Array(n2);
    if (j === 5) return ones;
    const u = new Float64Array(n2);
    u[(j * 9973) % n2] = 1;
    return u;
  });
  S2.solveMany(B2, { activeSet: 'compact' }); // warm-up
  const times = { compact: [], mask: [] };
  for (let r = 0; r < (quick ? 3 : 3); r++) {
    for (const mode of ['compact', 'mask']) {
      const t0 = performance.now();
      S2.solveMany(B2, { activeSet: mode });
      times[mode].push(performance.now() - t0);
    }
  }
  const its2 = S2.solveMany(B2).results.map((res) => res.iterations);
  rows.push({
    case: `activeSet compact vs mask (Poisson ${g2} x ${g2}, columns stopping at ${its2.join('/')} iterations)`,
    blockMs: fmt(median(times.compact)), singlesMs: fmt(median(times.mask)), ratio: (median(times.compact) / median(times.mask)).toFixed(3),
  });
  notes.push('active row: blockMs = compact, singlesMs = mask, whole solveMany call, median of 3 alternated');
  S2.dispose();
  A2.dispose();
  A.dispose();
  return { title: 'Many right-hand sides at once (solveMany, SpMM, block triangular solves)', rows, notes };
}

function printTable({ title, rows, notes }) {
  console.log(`\n## ${title}\n`);
  const keys = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  console.log(`| ${keys.join(' | ')} |`);
  console.log(`|${keys.map(() => '---').join('|')}|`);
  for (const r of rows) console.log(`| ${keys.map((k) => r[k] ?? '').join(' | ')} |`);
  console.log('');
  for (const note of notes) console.log(`- ${note}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values: opts } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false }, rounds: { type: 'string' }, json: { type: 'string' },
      grid: { type: 'string' }, 'max-iterations': { type: 'string' },
    },
  });
  const out = await run({
    quick: opts.quick,
    ...(opts.rounds ? { rounds: Number(opts.rounds) } : {}),
    ...(opts.grid ? { grid: Number(opts.grid) } : {}),
    ...(opts['max-iterations'] ? { maxIterations: Number(opts['max-iterations']) } : {}),
  });
  printTable(out);
  if (opts.json) writeFileSync(opts.json, JSON.stringify(out, null, 2));
}
