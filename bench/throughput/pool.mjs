// Throughput of many independent small systems: systems per second on the main thread (no pool),
// with a pool of 1 worker and of 2 workers, side by side in one run; and the pool's overhead per
// task against the solve time of that size.
//
// Workloads (n = 2,500: a 50 x 50 grid, CG + IC(0), rtol 1e-8):
//   shared  4 variable-coefficient diffusion matrices (diffusion2d with log-normal k), each loaded
//           once into every worker (placement 'all'); system i solves matrix i mod 4 with its own
//           random right-hand side. The main thread keeps one SolverSession per matrix.
//   varying a new variable-coefficient matrix per system (its own k field): load, solve, dispose
//           in the pool; new SolverSession + solve + dispose on the main thread. The matrices are
//           generated on the main thread in both cases (it is the producer's work).
// Overhead: `pool.ping(b)` (the payload of a solve, to a worker and back, no work there) against
// a main-thread solve; and the throughput view: 1 worker's time per system minus the main
// thread's, over the main thread's.
// The producer keeps at most 4 tasks per worker in flight (no 10,000 right-hand sides in memory).
//
// Usage: npm run build && node bench/throughput/pool.mjs [--quick] [--systems N]
// Timings on a shared machine move by up to 30%: compare ratios within one run on an idle machine.
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { init, CsrMatrix, SolverSession, createSolverPool } from '../../dist/main.js';
import { diffusion2d, gaussianField } from '../../dist/sequence/generators.js';

const N = 50; // grid side: n = 2,500
const SOLVE = { method: 'cg', precond: 'ic0', rtol: 1e-8 };
const MATRICES = 4;

function lcg(seed) {
  let s = seed >>> 0 || 1;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
}
function randomRhs(n, seed) {
  const r = lcg(seed * 2654435761);
  const b = new Float64Array(n);
  for (let i = 0; i < n; i++) b[i] = r();
  return b;
}
/** a variable-coefficient diffusion matrix: k = exp(field), a smooth random field per seed */
function varcoefArrays(seed) {
  const z = gaussianField(N, seed);
  const k = new Float64Array(z.length);
  for (let p = 0; p < k.length; p++) k[p] = Math.exp(z[p]);
  return diffusion2d(N, k);
}

/** Runs `count` tasks made by `start(i)` with at most `window` in flight; returns seconds. */
async function pipelined(count, window, start) {
  const t0 = performance.now();
  const inflight = new Set();
  let iterations = 0;
  for (let i = 0; i < count; i++) {
    if (inflight.size >= window) await Promise.race(inflight);
    const p = start(i).then((r) => {
      iterations += r.iterations;
      if (!r.converged) throw new Error(`system ${i} did not converge: ${r.reason}`);
      inflight.delete(p);
    });
    inflight.add(p);
  }
  await Promise.all(inflight);
  return { seconds: (performance.now() - t0) / 1000, iterations };
}

async function mainThreadShared(systems, arrays) {
  const mats = arrays.map((a) => CsrMatrix.fromCsr(a.rows, a.cols, a.indptr, a.indices, a.data));
  const sessions = mats.map((A) => new SolverSession(A, SOLVE));
  const t0 = performance.now();
  let iterations = 0;
  for (let i = 0; i < systems; i++) {
    const r = sessions[i % MATRICES].solve(randomRhs(N * N, i));
    if (!r.converged) throw new Error(`system ${i}: ${r.reason}`);
    iterations += r.iterations;
  }
  const seconds = (performance.now() - t0) / 1000;
  sessions.forEach((s) => s.dispose());
  mats.forEach((A) => A.dispose());
  return { seconds, iterations };
}

async function mainThreadVarying(systems) {
  const t0 = performance.now();
  let iterations = 0;
  for (let i = 0; i < systems; i++) {
    const a = varcoefArrays(1000 + (i % 64));
    const A = CsrMatrix.fromCsr(a.rows, a.cols, a.indptr, a.indices, a.data);
    const s = new SolverSession(A, SOLVE);
    const r = s.solve(randomRhs(N * N, i));
    s.dispose();
    A.dispose();
    if (!r.converged) throw new Error(`system ${i}: ${r.reason}`);
    iterations += r.iterations;
  }
  return { seconds: (performance.now() - t0) / 1000, iterations };
}

async function poolShared(pool, systems, arrays) {
  const handles = await Promise.all(arrays.map((a) => pool.load(a, { placement: 'all' })));
  // warm-up: every worker builds its sessions (IC(0) of each matrix) before the clock starts
  await Promise.all(handles.flatMap((h) => Array.from({ length: pool.size * 2 }, (_, k) => pool.solve(h, randomRhs(N * N, -1 - k), SOLVE))));
  const r = await pipelined(systems, 4 * pool.size, (i) => pool.solve(handles[i % MATRICES], randomRhs(N * N, i), SOLVE));
  await Promise.all(handles.map((h) => h.dispose()));
  return r;
}

async function poolVarying(pool, systems) {
  const one = async (i) => {
    const h = await pool.load(varcoefArrays(1000 + (i % 64)));
    try {
      return await pool.solve(h, randomRhs(N * N, i), SOLVE);
    } finally {
      void h.dispose();
    }
  };
  await Promise.all(Array.from({ length: pool.size * 2 }, (_, k) => one(k))); // warm-up
  return pipelined(systems, 4 * pool.size, one);
}

/** the solve of one system on the main thread (median of `reps`), and pool.ping with its payload */
async function overhead(pool, arrays, reps) {
  const A = CsrMatrix.fromCsr(arrays.rows, arrays.cols, arrays.indptr, arrays.indices, arrays.data);
  const s = new SolverSession(A, SOLVE);
  const times = [];
  for (let k = 0; k < reps + 5; k++) {
    const b = randomRhs(N * N, k);
    const t0 = performance.now();
    s.solve(b);
    if (k >= 5) times.push(performance.now() - t0);
  }
  s.dispose();
  A.dispose();
  const pings = [];
  const payload = randomRhs(N * N, 1);
  for (let k = 0; k < reps + 5; k++) {
    const t0 = performance.now();
    await pool.ping(payload);
    if (k >= 5) pings.push(performance.now() - t0);
  }
  // pipelined pings: the transport's cost per task when the worker is kept busy
  const t0 = performance.now();
  const count = reps * 4;
  const inflight = [];
  for (let k = 0; k < count; k++) inflight.push(pool.ping(payload));
  await Promise.all(inflight);
  const pipelinedMs = (performance.now() - t0) / count;
  const median = (a) => [...a].sort((p, q) => p - q)[a.length >> 1];
  return { solveMs: median(times), pingMs: median(pings), pipelinedPingMs: pipelinedMs };
}

export async function run({ quick = false, systems } = {}) {
  await init();
  const count = systems ?? (quick ? 400 : 10_000);
  const arrays = Array.from({ length: MATRICES }, (_, j) => varcoefArrays(100 + j));
  const rows = [];
  const notes = [];
  const fmt = (x, d = 1) => Number(x.toFixed(d));
  const row = (workload, where, n, r, base, one) => ({
    workload, where, systems: n,
    seconds: fmt(r.seconds, 2),
    systemsPerSecond: fmt(n / r.seconds, 0),
    avgIterations: fmt(r.iterations / n, 1),
    vsMainThread: fmt(base.seconds / r.seconds, 2),
    vs1Worker: one ? fmt(one.seconds / r.seconds, 2) : '',
  });

  for (const workload of ['shared', 'varying']) {
    // the varying workload makes a matrix per system on the producer's side: a quarter as many
    const n = workload === 'varying' ? Math.max(100, Math.round(count / 4)) : count;
    const main = workload === 'shared' ? await mainThreadShared(n, arrays) : await mainThreadVarying(n);
    const res = {};
    for (const w of [1, 2]) {
      const pool = await createSolverPool({ workers: w });
      try {
        res[w] = workload === 'shared' ? await poolShared(pool, n, arrays) : await poolVarying(pool, n);
      } finally {
        await pool.close();
      }
    }
    rows.push(
      row(workload, 'main thread (no pool)', n, main, main),
      row(workload, 'pool, 1 worker', n, res[1], main),
      row(workload, 'pool, 2 workers', n, res[2], main, res[1]),
    );
  }

  const pool = await createSolverPool({ workers: 1 });
  let o;
  try {
    o = await overhead(pool, arrays[0], quick ? 30 : 200);
  } finally {
    await pool.close();
  }
  const shared = rows.filter((x) => x.workload === 'shared');
  const perSystemMain = 1000 / shared[0].systemsPerSecond, perSystemOne = 1000 / shared[1].systemsPerSecond;
  rows.push({
    workload: 'overhead', where: 'per task, n = 2,500',
    solveMs: fmt(o.solveMs, 3), pingMs: fmt(o.pingMs, 3), pipelinedPingMs: fmt(o.pipelinedPingMs, 3),
    pingVsSolve: `${fmt((100 * o.pingMs) / o.solveMs, 1)}%`,
    pipelinedPingVsSolve: `${fmt((100 * o.pipelinedPingMs) / o.solveMs, 1)}%`,
    oneWorkerVsMain: `${fmt((100 * (perSystemOne - perSystemMain)) / perSystemMain, 1)}%`,
  });
  notes.push(
    `n = ${N * N} (${N}x${N} variable-coefficient diffusion), ${SOLVE.method} + ${SOLVE.precond}, rtol ${SOLVE.rtol}; ` +
      `'shared': ${MATRICES} matrices resident in every worker, random b per system; 'varying': a new matrix per system (load + solve + dispose), ${rows[3].systems} systems.`,
    'overhead: pingMs = round trip of the solve\'s payload (2,500 doubles each way) to an idle worker and back; pipelinedPingMs = per ping with many in flight; ' +
      'oneWorkerVsMain = (time per system with 1 worker - on the main thread) / on the main thread, shared workload.',
    'targets (issue 10): 2 workers >= 1.8x one worker; pool overhead < 10% of a solve. Measure on an idle 2-core machine; ratios under load say little.',
  );
  return { title: 'Pool throughput: independent small systems (n = 2,500)', rows, notes };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false }, systems: { type: 'string' } } });
  const r = await run({ quick: values.quick, systems: values.systems ? Number(values.systems) : undefined });
  console.log(r.title);
  console.table(r.rows);
  for (const n of r.notes) console.log(`- ${n}`);
}
