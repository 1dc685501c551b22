// `sparse-wasm sequence --queue` and `sparse-wasm queue-worker` on a real redis-server (started
// here on a free port, without persistence): results equal the local run with the same chunking,
// a malformed system fails alone, a worker killed mid-job loses nothing, a Redis restart is
// survived, and what cannot be survived ends in a clear message instead of a hang.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { varcoefSequence } from '../src/index.js';
import type { CsrArrays } from '../src/index.js';
import { runCli } from './cli-helpers.js';
import { hasRedis, reportMissingRedis, startCli, startRedis, startWorker, stopAll, type RedisServer } from './queue-helpers.js';

reportMissingRedis('queue tests (test/queue.test.ts)');

const tmp = mkdtempSync(path.join(tmpdir(), 'sparse-wasm-queue-'));

function writeMtx(file: string, A: CsrArrays): string {
  const lines = ['%%MatrixMarket matrix coordinate real general', `${A.rows} ${A.cols} ${A.data.length}`];
  for (let i = 0; i < A.rows; i++) for (let p = A.indptr[i]; p < A.indptr[i + 1]; p++) lines.push(`${i + 1} ${A.indices[p] + 1} ${A.data[p]}`);
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}
function writeVec(file: string, v: ArrayLike<number>): string {
  writeFileSync(file, `%%MatrixMarket matrix array real general\n${v.length} 1\n${Array.from(v).join('\n')}\n`);
  return file;
}

/** A varcoef sweep as files: matrices and right-hand sides (b = ones, so x varies with A). */
function sweep(name: string, N: number, count: number): { files: string[]; rhs: string[] } {
  const dir = path.join(tmp, name);
  mkdirSync(dir);
  const seq = varcoefSequence({ N, count });
  const files: string[] = [], rhs: string[] = [];
  // shuffled, so that sorting has something to do
  const perm = Array.from({ length: count }, (_, i) => (i * 7) % count);
  for (const [k, i] of perm.entries()) {
    const s = seq.load(i);
    files.push(writeMtx(path.join(dir, `s${String(k).padStart(3, '0')}.mtx`), s.A));
    rhs.push(writeVec(path.join(dir, `s${String(k).padStart(3, '0')}.b.mtx`), s.b));
  }
  return { files, rhs };
}
const SOLVE = ['--method', 'gcrodr', '--restart', '12', '--recycle', '4', '--precond', 'none', '--sort', 'greedy', '--rtol', '1e-9'];

interface SystemOut { file: string; iterations?: number; converged?: boolean; relativeResidual?: number; position?: number; chunk?: number; error?: { name: string; message: string }; output?: string }
interface RunOut { systems: SystemOut[]; order: number[]; totals: { systems: number; failed: number; iterations: number }; chunks: { size: number; count: number }; queue?: { workers: Record<string, number>; resubmitted: number; jobs: number } }

/** The per-system numbers a queued run must reproduce exactly (timings aside). */
function numbers(o: RunOut) {
  return o.systems.map((s) => ({ file: s.file, iterations: s.iterations, converged: s.converged, relativeResidual: s.relativeResidual, position: s.position, chunk: s.chunk, error: s.error?.name }));
}

async function localRun(args: string[]): Promise<RunOut> {
  const r = await runCli(['sequence', ...args, '--json']);
  expect(r.stderr).toMatch(/chunk 1\//);
  return JSON.parse(r.stdout);
}

describe.runIf(hasRedis)('sequence --queue with queue-worker processes (real redis-server)', () => {
  let redis: RedisServer;
  let small: { files: string[]; rhs: string[] };
  beforeAll(async () => {
    redis = await startRedis();
    small = sweep('small', 12, 14);
  }, 60_000);
  afterEach(async () => { await stopAll(); if (redis && redis.proc.child.exitCode !== null) await redis.restart(); }, 30_000);
  afterAll(async () => { await stopAll(); }, 30_000);

  it('two workers: per-system results equal the local run with the same chunking, in input order; -o writes every solution once', async () => {
    const q = 'equal';
    const outQ = path.join(tmp, 'out-queue'), outL = path.join(tmp, 'out-local');
    const args = [...small.files, '--rhs', ...small.rhs, ...SOLVE, '--chunk', '4'];
    const local = await localRun([...args, '-o', outL]);
    // the local chunked run is itself the chunk-by-chunk solveSequence: its first chunk equals
    // the unchunked command on the first chunk's systems alone
    const firstChunk = local.order.slice(0, 4);
    const alone = JSON.parse((await runCli(['sequence', ...firstChunk.map((i) => small.files[i]), '--rhs', ...firstChunk.map((i) => small.rhs[i]), ...SOLVE.slice(0, -4), '--rtol', '1e-9', '--json'])).stdout);
    expect(alone.systems.map((s: SystemOut) => s.iterations)).toEqual(firstChunk.map((i) => local.systems[i].iterations));

    const w1 = await startWorker(redis.url, ['--queue-name', q]);
    const w2 = await startWorker(redis.url, ['--queue-name', q]);
    const client = startCli(['sequence', ...args, '--queue', redis.url, '--queue-name', q, '-o', outQ, '--json']);
    expect(await client.exited).toBe(0);
    const queued: RunOut = JSON.parse(client.out());
    expect(numbers(queued)).toEqual(numbers(local));
    expect(queued.order).toEqual(local.order);
    expect(queued.chunks).toEqual({ size: 4, count: 4 });
    expect(queued.totals).toMatchObject({ systems: 14, failed: 0, iterations: local.totals.iterations });
    expect(Object.values(queued.queue!.workers).reduce((a, b) => a + b, 0)).toBe(4);
    expect(client.err()).toMatch(/chunk \d\/4 done/);
    // the same fields as the local command's entries
    expect(Object.keys(queued.systems[0]).sort()).toEqual(Object.keys(local.systems[0]).sort());
    // the solutions: one file per system, equal to the local run's
    const names = readdirSync(outQ).sort();
    expect(names).toEqual(readdirSync(outL).sort());
    expect(names.length).toBe(14);
    for (const n of names) expect(readFileSync(path.join(outQ, n), 'utf8').split('\n').slice(2)).toEqual(readFileSync(path.join(outL, n), 'utf8').split('\n').slice(2));
    expect(queued.systems[3].output).toBe(path.join(outQ, names[3]));
    // the jobs are removed after the run
    const r = new Redis(redis.url);
    try {
      expect(await r.keys(`bull:${q}:${JSON.parse(client.out()).queue.run}*`)).toEqual([]);
    } finally {
      r.disconnect();
    }
    await w1.stop();
    await w2.stop();
    expect(w1.err() + w2.err()).toMatch(/stopped/);
  }, 120_000);

  it('one fixed matrix and many right-hand sides, with learned omega: equal to the local chunked run', async () => {
    const q = 'fixed';
    const A = small.files[0];
    const dir = path.join(tmp, 'fixed');
    mkdirSync(dir);
    const n = 144;
    const rhs = Array.from({ length: 6 }, (_, k) => writeVec(path.join(dir, `b${k}.mtx`), Array.from({ length: n }, (_, i) => Math.sin(0.1 * (k + 1) * i) + 1)));
    const args = [A, '--rhs', ...rhs, '--method', 'cg', '--precond', 'ssor', '--tune-omega', '--chunk', '4'];
    const local = await localRun(args);
    await startWorker(redis.url, ['--queue-name', q]);
    const client = startCli(['sequence', ...args, '--queue', redis.url, '--queue-name', q, '--json']);
    expect(await client.exited).toBe(0);
    const o = JSON.parse(client.out());
    expect(numbers(o)).toEqual(numbers(local));
    expect(o.systems.map((s: { omega: number }) => s.omega)).toEqual(local.systems.map((s) => (s as { omega?: number }).omega));
    expect(o.systems.map((s: SystemOut) => s.converged)).toEqual(Array(6).fill(true));
    expect(o.systems[5].rhs).toBe(rhs[5]);
  }, 120_000);

  it('a malformed system fails its own entry with the typed error; the others finish; exit code 1', async () => {
    const q = 'malformed';
    const files = [...small.files.slice(0, 6)];
    const bad = path.join(tmp, 'bad.mtx');
    const lines = readFileSync(files[2], 'utf8').split('\n');
    lines[2] = '1 x 4.0'; // the first entry
    writeFileSync(bad, lines.join('\n'));
    files[2] = bad;
    const args = [...files, '--rhs', ...small.rhs.slice(0, 6), ...SOLVE, '--chunk', '3'];
    const local = JSON.parse((await runCli(['sequence', ...args, '--json'])).stdout) as RunOut;
    await startWorker(redis.url, ['--queue-name', q]);
    const client = startCli(['sequence', ...args, '--queue', redis.url, '--queue-name', q, '--json']);
    expect(await client.exited).toBe(1);
    const o: RunOut = JSON.parse(client.out());
    expect(o.systems[2].error!.name).toBe('SparseFormatError');
    expect(o.systems[2].error!.message).toMatch(/bad\.mtx: line 3/);
    expect(o.systems.filter((s) => s.error).length).toBe(1);
    expect(o.systems.filter((s) => s.converged).length).toBe(5);
    expect(o.totals).toMatchObject({ systems: 5, failed: 1 });
    // sorting could not read it: it is solved (fails) last
    expect(o.order[5]).toBe(2);
    expect(numbers(o)).toEqual(numbers(local));
    expect(client.err()).toMatch(/1 of 6 systems failed; the first: SparseFormatError: .*bad\.mtx: line 3/);
  }, 120_000);

  it('a worker killed in the middle of a job loses nothing: the job is retried by another worker, each system counted once', async () => {
    const q = 'killed';
    const big = sweep('big', 40, 12);
    const args = [...big.files, '--rhs', ...big.rhs, ...SOLVE, '--chunk', '6'];
    const local = await localRun(args);
    const lock = ['--queue-name', q, '--lock-ms', '1500', '--stalled-ms', '500'];
    const victim = await startWorker(redis.url, [...lock, '--concurrency', '2']);
    // what a worker killed while writing a solution leaves: removed at the end; other files stay
    const out = path.join(tmp, 'out-killed');
    mkdirSync(out);
    writeFileSync(path.join(out, '.0123456789ab.tmp-s003.x.mtx'), 'partial');
    writeFileSync(path.join(out, '.keep'), 'not ours');
    const client = startCli(['sequence', ...args, '--queue', redis.url, '--queue-name', q, '--json', '-o', out]);
    // wait until both jobs are active and have solved at least one system, then kill the worker
    const r = new Redis(redis.url);
    try {
      for (let t = 0; ; t++) {
        const ids = await r.lrange(`bull:${q}:active`, 0, -1);
        const progress = await Promise.all(ids.map((id) => r.hget(`bull:${q}:${id}`, 'progress')));
        if (ids.length === 2 && progress.every((p) => p && JSON.parse(p).done >= 1 && JSON.parse(p).done < 6)) break;
        expect(t).toBeLessThan(600); // 30 s
        await new Promise((res) => setTimeout(res, 50));
      }
    } finally {
      r.disconnect();
    }
    victim.child.kill('SIGKILL');
    await victim.exited;
    expect(victim.err()).not.toMatch(/chunk \d+ of run/);
    const rescuer = await startWorker(redis.url, lock);
    expect(await client.exited).toBe(0);
    const o: RunOut = JSON.parse(client.out());
    expect(numbers(o)).toEqual(numbers(local));
    expect(o.totals).toMatchObject({ systems: 12, failed: 0 });
    // both chunks came back from the second worker only
    expect(Object.values(o.queue!.workers)).toEqual([2]);
    expect(Object.keys(o.queue!.workers)[0]).toMatch(new RegExp(`:${rescuer.child.pid}$`));
    expect(readdirSync(out).sort()).toEqual(['.keep', ...big.files.map((f) => path.basename(f).replace('.mtx', '.x.mtx'))].sort());
  }, 180_000);

  it('Redis restarting (and losing every job) during a run is survived: lost jobs are submitted again', async () => {
    const q = 'restart';
    const args = [...small.files, '--rhs', ...small.rhs, ...SOLVE, '--chunk', '2'];
    const local = await localRun(args);
    await startWorker(redis.url, ['--queue-name', q]);
    const client = startCli(['sequence', ...args, '--queue', redis.url, '--queue-name', q, '--json', '--queue-timeout', '60']);
    await client.waitFor(/chunk \d\/7 done/);
    await redis.restart();
    expect(await client.exited).toBe(0);
    const o: RunOut = JSON.parse(client.out());
    expect(numbers(o)).toEqual(numbers(local));
    expect(o.queue!.resubmitted).toBeGreaterThan(0);
    expect(client.err()).toMatch(/missing from Redis .*submitted again/);
  }, 120_000);

  it('Redis gone for good: a clear message after --queue-timeout, not a hang', async () => {
    const q = 'gone';
    await startWorker(redis.url, ['--queue-name', q]);
    const client = startCli(['sequence', ...small.files, '--rhs', ...small.rhs, ...SOLVE, '--chunk', '2', '--queue', redis.url, '--queue-name', q, '--queue-timeout', '3']);
    await client.waitFor(/submitted 7 jobs/);
    await redis.stop();
    expect(await client.exited).toBe(1);
    expect(client.err()).toMatch(new RegExp(`no progress for 3 s: Redis at redis://127\\.0\\.0\\.1:${redis.port} unreachable since`));
  }, 120_000);

  it('no worker running: a clear message after --queue-timeout', async () => {
    const client = startCli(['sequence', ...small.files.slice(0, 2), ...SOLVE, '--queue', redis.url, '--queue-name', 'nobody', '--queue-timeout', '1.5']);
    expect(await client.exited).toBe(1);
    expect(client.err()).toMatch(/no progress for 1.5 s on queue 'nobody'.*1 of 1 chunks unfinished \(1 waiting, 0 active, 0 delayed\); is a worker running\? start one with: sparse-wasm queue-worker --redis/);
  }, 60_000);
});

describe('sequence --queue and queue-worker: usage', () => {
  it('refuses a URL that is not redis://, a bad chunk size, a worker without --redis', async () => {
    let r = await runCli(['sequence', 'gen:poisson2d:4', '--queue', 'http://x']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--queue must be a redis:\/\/ or rediss:\/\/ URL/);
    r = await runCli(['sequence', 'gen:poisson2d:4', '--chunk', '0']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--chunk needs an integer >= 1/);
    r = await runCli(['queue-worker']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/queue-worker needs --redis URL/);
    r = await runCli(['queue-worker', '--redis', 'redis://127.0.0.1:1', 'extra']);
    expect(r.code).toBe(2);
    r = await runCli(['sequence', 'gen:poisson2d:4', '--queue-timeout', '3']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--queue-timeout goes with --queue URL/);
  });

  it('Redis unreachable at submission: a clear message, not a hang', async () => {
    const r = await runCli(['sequence', 'gen:poisson2d:4', '--queue', 'redis://127.0.0.1:1', '--queue-timeout', '2']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cannot submit the jobs to queue 'sparse-wasm-sequence' at redis:\/\/127\.0\.0\.1:1.*is redis-server running there\?/);
  });

  it('--chunk without --queue runs the chunks here, each from a fresh session', async () => {
    const r = await runCli(['sequence', 'gen:poisson2d:6', 'gen:poisson2d:6', 'gen:poisson2d:6', '--method', 'cg', '--initial-guess', 'previous', '--chunk', '2', '--json']);
    expect(r.code).toBe(0);
    const o = JSON.parse(r.stdout);
    // b = A * ones: the previous solution solves the next system of a chunk, not the first of the next chunk
    expect(o.systems.map((s: SystemOut) => s.iterations! > 0)).toEqual([true, false, true]);
    expect(o.systems.map((s: SystemOut) => s.chunk)).toEqual([0, 0, 1]);
    expect(o.chunks).toEqual({ size: 2, count: 2 });
  });
});
