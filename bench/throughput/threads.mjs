// Threads build: 2 threads against 1 on poisson2d(k) (k = 1000: n = 1e6, nnz = 4,996,000).
//   spmv      y = A x with wasm-resident x and y (DenseVector: no copies), the layout the matrix
//             picks (SELL-8 for Poisson); rows split between the threads by nonzeros.
//   cg        CG + Jacobi, a fixed number of iterations (rtol 0 never stops it early), setup
//             (session, Jacobi diagonal) outside the timing; every vector operation, the
//             preconditioner and the SpMV of an iteration run on the team.
// Both sides use the threads build (createRuntime({ threads: 1 | 2 })), so the team is the only
// difference; the plain SIMD build is timed too, to show what the shared-memory build costs on
// one thread. Runs alternate (1, 2, plain, 1, 2, plain, ...) and report medians and spread.
// A section of bench/throughput.mjs (`run({ quick })`), and standalone:
//   npm run build && node bench/throughput/threads.mjs [--quick] [--k 1000] [--rounds 5] [--json FILE]
// Needs an idle machine with 2 free cores: under load the ratio measures the load, not the code.
import { parseArgs } from 'node:util';
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { createRuntime, poisson2d, DenseVector, SolverSession } from '../../dist/index.js';

const median = (a) => { const s = [...a].sort((x, y) => x - y); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };

/** One timed batch: ms per call of `fn` over `reps` calls. */
function batch(fn, reps) {
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) fn();
  return (performance.now() - t0) / reps;
}

export async function run({ quick = false, k: kOpt, rounds: roundsOpt } = {}) {
  const k = kOpt ?? 1000;
  const rounds = roundsOpt ?? (quick ? 2 : 5);
  const spmvReps = quick ? 5 : 30;
  const cgIterations = quick ? 20 : 200;
  const load = loadavg()[0];
  const sides = [
    { name: '1 thread (threads build)', rt: await createRuntime({ threads: 1 }) },
    { name: '2 threads (threads build)', rt: await createRuntime({ threads: 2 }) },
    { name: '1 thread (plain SIMD build)', rt: await createRuntime({}) },
  ];
  try {
    for (const s of sides) {
      s.A = poisson2d(k, { runtime: s.rt });
      s.A.prepareSpmv();
      const n = s.A.rows;
      s.x = DenseVector.from(Float64Array.from({ length: n }, (_, i) => 1 + ((i * 7919) % 13) / 13), { runtime: s.rt });
      s.y = DenseVector.zeros(n, { runtime: s.rt });
      s.b = s.A.multiply(s.x);
      s.session = new SolverSession(s.A, { method: 'cg', precond: 'jacobi', rtol: 0, atol: 0, maxIterations: cgIterations });
      s.spmv = [];
      s.cg = [];
      // warm-up: the first large calls run in the baseline tier (WASM-NOTES pitfall 9)
      batch(() => s.A.multiply(s.x, s.y), 3);
      s.session.solve(s.b);
    }
    const n = sides[0].A.rows, nnz = sides[0].A.nnz, layout = sides[0].A.spmvLayout;
    let iterations;
    for (let r = 0; r < rounds; r++) {
      for (const s of sides) s.spmv.push(batch(() => s.A.multiply(s.x, s.y), spmvReps));
      for (const s of sides) {
        const t0 = performance.now();
        const res = s.session.solve(s.b);
        s.cg.push(performance.now() - t0);
        iterations ??= res.iterations;
        if (res.iterations !== iterations) throw new Error(`iteration counts differ: ${res.iterations} vs ${iterations}`);
      }
    }
    const rows = [];
    const base = (what) => median(sides[0][what]);
    for (const [what, label] of [['spmv', `SpMV (${layout})`], ['cg', `CG + Jacobi, ${iterations} iterations`]]) {
      for (const s of sides) {
        const ms = median(s[what]);
        rows.push({
          case: label, side: s.name, n, nnz, ms: +ms.toFixed(3), min: +Math.min(...s[what]).toFixed(3), max: +Math.max(...s[what]).toFixed(3),
          speedupVs1: +(base(what) / ms).toFixed(2),
          ...(what === 'spmv' ? { gflops: +((2 * nnz) / ms / 1e6).toFixed(2) } : { msPerIteration: +(ms / iterations).toFixed(3) }),
        });
      }
    }
    const spmv2 = base('spmv') / median(sides[1].spmv), cg2 = base('cg') / median(sides[1].cg);
    return {
      title: `Threads build: 2 threads vs 1 on poisson2d(${k})`,
      rows,
      notes: [
        `2 threads / 1 thread: SpMV ${spmv2.toFixed(2)}x (target >= 1.6x), CG + Jacobi ${cg2.toFixed(2)}x (target >= 1.5x)`,
        `medians of ${rounds} alternating rounds (SpMV: ${spmvReps} calls per round; CG: one solve of ${iterations} iterations per round); min-max spread in the table`,
        `load average at start ${load.toFixed(2)} on ${(await import('node:os')).availableParallelism?.() ?? '?'} cores: the ratios need 2 idle cores`,
      ],
    };
  } finally {
    for (const s of sides) {
      s.session?.dispose();
      s.x?.dispose();
      s.y?.dispose();
      s.A?.dispose();
      await s.rt.terminate?.();
    }
  }
}

function printTable({ title, rows, notes }) {
  console.log(`## ${title}\n`);
  const keys = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  console.log(`| ${keys.join(' | ')} |`);
  console.log(`|${keys.map(() => '---').join('|')}|`);
  for (const r of rows) console.log(`| ${keys.map((k) => r[k] ?? '').join(' | ')} |`);
  console.log('');
  for (const n of notes) console.log(`- ${n}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: { quick: { type: 'boolean', default: false }, k: { type: 'string' }, rounds: { type: 'string' }, json: { type: 'string' } },
  });
  const result = await run({ quick: values.quick, k: values.k ? Number(values.k) : undefined, rounds: values.rounds ? Number(values.rounds) : undefined });
  printTable(result);
  if (values.json) writeFileSync(values.json, JSON.stringify({ node: process.version, ...result }, null, 2));
}
