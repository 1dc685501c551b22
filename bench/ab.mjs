// Before/after comparison of two built checkouts of this package side by side, rounds alternating
// (A B, then B A, ...), so that a refactor can be shown not to slow the kernels down on a noisy,
// shared machine. Each side gets its own wasm runtime.
//
//   node bench/ab.mjs --a ../old-checkout --b . [--rounds 7] [--quick]
//
// Both checkouts must be built (npm run build).
//
// Cases: SpMV (auto layout) on 2D Poisson k = 1000, PCG + IC(0) and GMRES(30) + ILU(0) solves on
// 2D Poisson k = 300 (session reused: solve time only; the first factorization is setup), and
// SpGEMM C = A A on 2D Poisson k = 500. Prints per-case medians and the B/A time ratio per round.
import { pathToFileURL } from 'node:url';
import path from 'node:path';
import { median } from './lib/stats.mjs';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const quick = args.includes('--quick');
const rounds = Number(opt('rounds', quick ? 2 : 7));
const dirs = { A: path.resolve(opt('a', '.')), B: path.resolve(opt('b', '.')) };

async function load(dir) {
  const lib = await import(pathToFileURL(path.join(dir, 'dist', 'index.js')).href);
  const rt = await lib.createRuntime();
  return { lib, rt };
}

/** Builds the cases for one side; each case returns a function timing one repetition (ms). */
function makeCases({ lib, rt }) {
  const kSpmv = quick ? 200 : 1000, kSolve = quick ? 60 : 300, kGemm = quick ? 100 : 500;
  const A = lib.poisson2d(kSpmv, { runtime: rt });
  const x = lib.DenseVector.from(new Float64Array(A.cols).fill(1), { runtime: rt });
  const y = lib.DenseVector.zeros(A.rows, { runtime: rt });
  A.multiply(x, y);
  const P = lib.poisson2d(kSolve, { runtime: rt });
  const b = new Float64Array(P.rows).fill(1);
  const cg = new lib.SolverSession(P, { method: 'cg', precond: 'ic0', rtol: 1e-8 });
  const gm = new lib.SolverSession(P, { method: 'gmres', precond: 'ilu0', rtol: 1e-8, restart: 30 });
  const G = lib.poisson2d(kGemm, { runtime: rt });
  const timed = (fn, reps) => () => {
    const t0 = performance.now();
    for (let r = 0; r < reps; r++) fn();
    return (performance.now() - t0) / reps;
  };
  return {
    [`spmv poisson2d_${kSpmv}`]: timed(() => A.multiply(x, y), quick ? 20 : 50),
    [`pcg+ic0 poisson2d_${kSolve}`]: timed(() => cg.solve(b), 1),
    [`gmres30+ilu0 poisson2d_${kSolve}`]: timed(() => gm.solve(b), 1),
    [`spgemm A*A poisson2d_${kGemm}`]: timed(() => lib.spgemm(G, G).dispose(), 3),
  };
}

if (args.includes('--worker')) {
  // one side, one round: warm up, then the median of `reps` timings per case, as JSON
  const cases = makeCases(await load(path.resolve(opt('worker'))));
  const out = {};
  for (const [n, fn] of Object.entries(cases)) {
    for (let w = 0; w < 3; w++) fn(); // wasm tiers up per instance and has no OSR (WASM-NOTES 9)
    const t = [];
    for (let r = 0; r < 5; r++) t.push(fn());
    out[n] = median(t);
  }
  process.stdout.write(JSON.stringify(out));
  process.exit(0);
}

// Each round runs each side in a fresh process (A B, then B A, ...): two instances in one process
// were measured to disturb each other (the first one created ran SpMV 2x slower than the second).
const { execFileSync } = await import('node:child_process');
const self = new URL(import.meta.url).pathname;
const times = { A: {}, B: {} };
let names = [];
for (let r = 0; r < rounds; r++) {
  const order = r % 2 === 0 ? ['A', 'B'] : ['B', 'A'];
  for (const s of order) {
    const extra = quick ? ['--quick'] : [];
    const res = JSON.parse(execFileSync(process.execPath, [self, '--worker', dirs[s], ...extra], { encoding: 'utf8' }));
    names = Object.keys(res);
    for (const n of names) (times[s][n] ??= []).push(res[n]);
  }
}
console.log(`A = ${dirs.A}\nB = ${dirs.B}\n${rounds} rounds, alternating processes; per round the median of 5 timings (ms)`);
console.log('| case | A ms | B ms | B/A time (median of per-round ratios) | range |');
console.log('|---|---|---|---|---|');
for (const n of names) {
  const ratios = times.A[n].map((a, i) => times.B[n][i] / a);
  console.log(`| ${n} | ${median(times.A[n]).toFixed(3)} | ${median(times.B[n]).toFixed(3)} | ${median(ratios).toFixed(3)} | ${Math.min(...ratios).toFixed(2)}-${Math.max(...ratios).toFixed(2)} |`);
}
