// Queue benchmark: a sequence solved through BullMQ on a real redis-server (started here on a free
// port, no persistence) by 1 and by 2 `sparse-wasm queue-worker` processes, against the local
// chunked run (the same chunks, one after another in one process), and the queue's overhead per job.
//
//   node bench/queue.mjs            200 systems of the varcoef sweep on a 64 x 64 grid, chunks of 20,
//                                   GCRO-DR (10 recycled vectors) + IC(0), 3 rounds (configurations alternated)
//   node bench/queue.mjs --quick    24 systems on a 24 x 24 grid, chunks of 6, 1 round (CI smoke run)
//   options: --systems N, --grid K, --chunk C, --rounds R, --method M, --precond P, --recycle R,
//            --sort none|greedy (default none: the sweep's files are in parameter order already;
//            greedy makes the client read every file once to sort, serial work before any job,
//            reported apart as 'after the client's sorting'),
//            --tiny-jobs J (jobs of the overhead run, default 60). A fixed --recycle K, not auto:
//            'auto' decides from measured times, so its iterations may differ from run to run.
//
// Times: the client's own wall time from the start of the run (sorting, submission, gathering) to
// the last result (totals.totalMs of `sequence --queue --json`), so process start-up is excluded;
// workers are started and warmed (one job each) before. Each queued run's per-system iterations
// are checked against the local chunked run's (they must be equal). Two workers on two cores need
// an idle machine: on a loaded one the ratio says little.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { varcoefSequence } from '../dist/index.js';
import { median } from './lib/stats.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const bin = path.join(root, 'bin', 'sparse-wasm.js');
const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const value = (name, dflt) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : dflt; };
const quick = flag('--quick');
const systems = Number(value('--systems', quick ? '24' : '200'));
const grid = Number(value('--grid', quick ? '24' : '64'));
const chunk = Number(value('--chunk', quick ? '6' : '20'));
const rounds = Number(value('--rounds', quick ? '1' : '3'));
const tinyJobs = Number(value('--tiny-jobs', quick ? '12' : '60'));
const solve = ['--method', value('--method', 'gcrodr'), '--precond', value('--precond', 'ic0'), '--recycle', value('--recycle', '10'), '--sort', value('--sort', 'none')];

const REDIS = process.env.SPARSE_WASM_REDIS_SERVER || 'redis-server';
if (spawnSync(REDIS, ['--version'], { stdio: 'ignore' }).status !== 0) {
  console.log(`bench/queue.mjs skipped: ${REDIS} not found (apt-get install redis-server)`);
  process.exit(0);
}

const fmt = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`);

// -- the sequence as files (a shared directory; here the local temporary one) -----------------
const tmp = mkdtempSync(path.join(os.tmpdir(), 'sparse-wasm-bench-queue-'));
const files = [], rhs = [];
{
  const seq = varcoefSequence({ N: grid, count: systems, step: 0.01 });
  for (let i = 0; i < systems; i++) {
    const { A, b } = seq.load(i);
    const lines = ['%%MatrixMarket matrix coordinate real general', `${A.rows} ${A.cols} ${A.data.length}`];
    for (let r = 0; r < A.rows; r++) for (let p = A.indptr[r]; p < A.indptr[r + 1]; p++) lines.push(`${r + 1} ${A.indices[p] + 1} ${A.data[p]}`);
    const name = `vc${String(i).padStart(4, '0')}`;
    files.push(path.join(tmp, `${name}.mtx.gz`));
    writeFileSync(files[i], gzipSync(lines.join('\n') + '\n'));
    rhs.push(path.join(tmp, `${name}.b.mtx`));
    writeFileSync(rhs[i], `%%MatrixMarket matrix array real general\n${b.length} 1\n${Array.from(b).join('\n')}\n`);
  }
}

// -- processes ---------------------------------------------------------------------------------
const children = new Set();
function start(cmd, argv) {
  const child = spawn(cmd, argv, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '', err = '';
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { err += d; });
  const exited = new Promise((resolve) => child.once('exit', (code) => { children.delete(child); resolve(code ?? -1); }));
  children.add(child);
  const waitFor = async (re, ms = 60_000) => {
    const t0 = Date.now();
    while (!re.test(out + err)) {
      if (child.exitCode !== null || Date.now() - t0 > ms) throw new Error(`${path.basename(cmd)}: no ${re}:\n${out}${err}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  return { child, exited, waitFor, out: () => out, err: () => err, stop: () => { child.kill('SIGTERM'); return exited; } };
}
function cleanup() {
  for (const c of children) c.kill('SIGKILL');
  rmSync(tmp, { recursive: true, force: true });
}
process.on('SIGINT', () => { cleanup(); process.exit(130); });

const port = await new Promise((resolve) => { const s = createServer(); s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); }); });
const url = `redis://127.0.0.1:${port}`;

async function cli(argv) {
  const p = start(process.execPath, [bin, ...argv]);
  const code = await p.exited;
  if (code !== 0) throw new Error(`sparse-wasm ${argv.slice(0, 1).join(' ')} exited ${code}:\n${p.err()}`);
  return JSON.parse(p.out());
}

const results = { systems, grid, chunk, rounds, solve: solve.join(' '), node: process.version, cpus: os.cpus().length, loadavg: os.loadavg(), runs: {} };
try {
  const redis = start(REDIS, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no']);
  await redis.waitFor(/Ready to accept connections/);
  const seqArgs = [...files, '--rhs', ...rhs, ...solve, '--chunk', String(chunk), '--json'];

  const local = await cli(['sequence', ...seqArgs]);
  const iterations = local.systems.map((s) => s.iterations);
  console.log(`${systems} systems (varcoef ${grid} x ${grid}, n = ${grid * grid}), chunks of ${chunk} (${local.chunks.count} jobs), ${solve.join(' ')}`);
  console.log(`local chunked run (one process): ${fmt(local.totals.totalMs)}, ${local.totals.iterations} iterations, setup ${fmt(local.totals.setupMs)}, solve ${fmt(local.totals.solveMs)}`);

  const times = { 1: [], 2: [] };
  // the same without the client's sorting (it reads every system once, in the client, before any job)
  const phase = { 1: [], 2: [] };
  const runs = { 1: [], 2: [] };
  let identical = true;
  for (let round = 0; round < rounds; round++) {
    for (const k of round % 2 === 0 ? [1, 2] : [2, 1]) {
      const name = `bench-${k}-${round}`;
      const workers = [];
      for (let w = 0; w < k; w++) {
        const p = start(process.execPath, [bin, 'queue-worker', '--redis', url, '--queue-name', name]);
        await p.waitFor(/taking jobs/);
        workers.push(p);
      }
      // warm-up: one small job per worker (its thread, wasm instance and compiled code)
      await cli(['sequence', ...files.slice(0, k), '--rhs', ...rhs.slice(0, k), ...solve, '--chunk', '1', '--queue', url, '--queue-name', name, '--json']);
      const o = await cli(['sequence', ...seqArgs, '--queue', url, '--queue-name', name]);
      for (const p of workers) await p.stop();
      if (o.systems.some((s, i) => s.iterations !== iterations[i])) identical = false;
      times[k].push(o.totals.totalMs);
      phase[k].push(o.totals.totalMs - o.totals.sortMs);
      runs[k].push(o);
    }
  }
  const t1 = median(times[1]), t2 = median(times[2]);
  const one = runs[1][0];
  const jobMs = one.queue.jobMs.reduce((a, b) => a + b, 0);
  const solveMs = one.totals.setupMs + one.totals.solveMs;
  const perJob = (one.totals.totalMs - one.totals.sortMs - jobMs) / one.queue.jobs;
  const inWorker = (jobMs - solveMs) / one.queue.jobs;
  const rows = [
    { run: 'local, chunks one after another', ms: local.totals.totalMs },
    { run: 'queue, 1 worker process', ms: t1, all: times[1] },
    { run: 'queue, 2 worker processes', ms: t2, all: times[2] },
  ];
  console.log('');
  for (const r of rows) console.log(`${r.run.padEnd(34)} ${fmt(r.ms).padStart(10)}${r.all && r.all.length > 1 ? `  (rounds: ${r.all.map(fmt).join(', ')})` : ''}`);
  const p1 = median(phase[1]), p2 = median(phase[2]);
  console.log(`speed-up 2 workers / 1 worker: ${(t1 / t2).toFixed(2)}x for the whole command, ${(p1 / p2).toFixed(2)}x after the client's sorting` +
    ` (${fmt(p1)} vs ${fmt(p2)}; sorting ${fmt(runs[1][0].totals.sortMs)}); target >= 1.7x on an idle 2-core machine; load average now ${os.loadavg()[0].toFixed(1)}`);
  console.log(`per-system results of every queued run identical to the local chunked run: ${identical ? 'yes' : 'NO'}`);
  console.log(`queue overhead per job (1 worker; client wall - sorting - the jobs' own time, per job): ${fmt(perJob)} against ${fmt(jobMs / one.queue.jobs)} per job` +
    ` (${((100 * perJob) / (jobMs / one.queue.jobs)).toFixed(1)}%)`);
  console.log(`inside a job, time outside setup (which includes reading the files) and solve: initial guesses, thread hand-off, results: ${fmt(inWorker)} per job`);

  // the fixed cost of a job: many jobs of one 4 x 4 system each (the solve takes microseconds)
  const name = 'bench-tiny';
  const w = start(process.execPath, [bin, 'queue-worker', '--redis', url, '--queue-name', name]);
  await w.waitFor(/taking jobs/);
  await cli(['sequence', 'gen:poisson2d:4', '--chunk', '1', '--queue', url, '--queue-name', name, '--json']);
  const tiny = await cli(['sequence', ...Array(tinyJobs).fill('gen:poisson2d:4'), '--method', 'cg', '--chunk', '1', '--queue', url, '--queue-name', name, '--json']);
  await w.stop();
  const tinyPerJob = tiny.totals.totalMs / tiny.queue.jobs;
  console.log(`round trip of a trivial job (${tinyJobs} jobs of a 16-unknown system, 1 worker): ${fmt(tinyPerJob)} per job (${fmt(tiny.queue.jobMs.reduce((a, b) => a + b, 0) / tiny.queue.jobs)} of it inside the job)`);
  results.runs = { local: local.totals, oneWorker: times[1], twoWorkers: times[2], speedup: t1 / t2, oneWorkerAfterSort: phase[1], twoWorkersAfterSort: phase[2], speedupAfterSort: p1 / p2, identical, overheadPerJobMs: perJob, jobMs: jobMs / one.queue.jobs, inWorkerOverheadMs: inWorker, tinyJobRoundTripMs: tinyPerJob };
  await redis.stop();
} finally {
  cleanup();
}
const dir = quick ? os.tmpdir() : path.join(here, 'results');
mkdirSync(dir, { recursive: true });
const file = path.join(dir, quick ? 'queue-quick.json' : 'queue.json');
writeFileSync(file, JSON.stringify(results, null, 1) + '\n');
console.log(`\nwrote ${quick ? file : path.relative(process.cwd(), file)}`);
