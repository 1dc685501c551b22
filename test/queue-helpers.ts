// A real redis-server on a free port and CLI processes (queue workers, sequence clients) for the
// queue tests, each one stopped by its pid afterwards. Without redis-server the suites are skipped
// with a warning, unless SPARSE_WASM_REQUIRE_REDIS=1 (CI), which turns that into a failure.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import { describe, it } from 'vitest';
import { root } from './cli-helpers.js';

export const REDIS_SERVER = process.env.SPARSE_WASM_REDIS_SERVER || 'redis-server';
export const hasRedis = spawnSync(REDIS_SERVER, ['--version'], { stdio: 'ignore' }).status === 0;
const requireRedis = process.env.SPARSE_WASM_REQUIRE_REDIS === '1';

/** Call at the top of a suite's file: without redis-server, a failing test (CI) or a warning. */
export function reportMissingRedis(suite: string): void {
  if (hasRedis) return;
  if (requireRedis) {
    describe(suite, () => {
      it('has redis-server (SPARSE_WASM_REQUIRE_REDIS=1)', () => {
        throw new Error(`${REDIS_SERVER} not found and SPARSE_WASM_REQUIRE_REDIS=1: apt-get install -y redis-server`);
      });
    });
  } else {
    console.warn(`${suite} skipped: ${REDIS_SERVER} not found; apt-get install redis-server (or set SPARSE_WASM_REDIS_SERVER)`);
  }
}

/** A port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** A child process with its output collected and a way to wait for a line of it. */
export interface Proc {
  child: ChildProcess;
  out(): string;
  err(): string;
  /** resolves when stdout + stderr match `re` (rejects after `ms`, or when the process ends first) */
  waitFor(re: RegExp, ms?: number): Promise<void>;
  /** the exit code (or 128 + signal number's stand-in -1 for a signal) */
  exited: Promise<number>;
  /** sends `signal` and waits for the exit */
  stop(signal?: NodeJS.Signals): Promise<number>;
}

const alive = new Set<Proc>();

export function startProcess(cmd: string, args: string[]): Proc {
  const child = spawn(cmd, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '', err = '';
  const waiters: { re: RegExp; resolve: () => void }[] = [];
  const check = () => {
    for (const w of [...waiters]) if (w.re.test(out + err)) { waiters.splice(waiters.indexOf(w), 1); w.resolve(); }
  };
  child.stdout!.on('data', (d) => { out += d; check(); });
  child.stderr!.on('data', (d) => { err += d; check(); });
  const exited = new Promise<number>((resolve) => child.once('exit', (code) => resolve(code ?? -1)));
  let ended = false;
  const p: Proc = {
    child,
    out: () => out,
    err: () => err,
    waitFor(re, ms = 30_000) {
      if (re.test(out + err)) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${path.basename(cmd)} ${args.slice(0, 2).join(' ')}: no ${re} within ${ms} ms; output:\n${out}${err}`)), ms);
        const w = { re, resolve: () => { clearTimeout(timer); resolve(); } };
        waiters.push(w);
        void exited.then(() => {
          setTimeout(() => {
            if (!waiters.includes(w)) return;
            clearTimeout(timer);
            reject(new Error(`${path.basename(cmd)} ended before ${re}; output:\n${out}${err}`));
          }, 50);
        });
      });
    },
    exited,
    async stop(signal = 'SIGTERM') {
      if (!ended) child.kill(signal);
      return exited;
    },
  };
  void exited.then(() => { ended = true; alive.delete(p); });
  alive.add(p);
  return p;
}

/** Stops every process these helpers started and that is still running (SIGKILL after 10 s). */
export async function stopAll(): Promise<void> {
  await Promise.all([...alive].map(async (p) => {
    p.child.kill('SIGTERM');
    const t = setTimeout(() => p.child.kill('SIGKILL'), 10_000);
    await p.exited;
    clearTimeout(t);
  }));
}

export interface RedisServer {
  port: number;
  url: string;
  proc: Proc;
  /** stops it (SIGTERM: no data is saved, as started) */
  stop(): Promise<void>;
  /** a new server on the same port (empty: nothing was persisted) */
  restart(): Promise<void>;
}

async function launchRedis(port: number): Promise<Proc> {
  const proc = startProcess(REDIS_SERVER, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no']);
  await proc.waitFor(/Ready to accept connections/, 15_000);
  return proc;
}

export async function startRedis(): Promise<RedisServer> {
  const port = await freePort();
  const server: RedisServer = {
    port,
    url: `redis://127.0.0.1:${port}`,
    proc: await launchRedis(port),
    async stop() { await server.proc.stop('SIGTERM'); },
    async restart() {
      await server.proc.stop('SIGTERM');
      server.proc = await launchRedis(port);
    },
  };
  return server;
}

const bin = path.join(root, 'bin', 'sparse-wasm.js');

/** `sparse-wasm ARGS...` as a running process. */
export function startCli(args: string[]): Proc {
  return startProcess(process.execPath, [bin, ...args]);
}

/** A queue worker, resolved once it takes jobs. */
export async function startWorker(url: string, extra: string[] = []): Promise<Proc> {
  const w = startCli(['queue-worker', '--redis', url, ...extra]);
  await w.waitFor(/taking jobs of queue/, 30_000);
  return w;
}
