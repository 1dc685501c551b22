// The threads build in a real Chromium: Web Workers over one shared memory when the page is
// cross-origin isolated (COOP/COEP headers), the single-thread fallback when it is not. In a page's
// main thread Atomics.wait is refused, so the join spins there: this runs that path.
// Needs `npm run build` first; skipped with a warning without Chromium (see test/browser/chromium.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import { hasChromium, launchChromium, reportMissingChromium } from './browser/chromium.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

reportMissingChromium('threads in the browser (headless Chromium)', 'threads browser test');

// compares the threaded runtime with the single-thread one inside the page; reports plain data
const PAGE_SCRIPT = `
import { createRuntime, poisson2d, solve, threadsSupported, threadsUnavailableReason } from '/dist/index.js';
const bits = (a) => Array.from(new Uint32Array(a.buffer)).join(',');
try {
  const out = { isolated: self.crossOriginIsolated === true, supported: threadsSupported(), why: threadsUnavailableReason() ?? null };
  const rt = await createRuntime({ threads: 2, parallelThreshold: 0, initialMemoryMiB: 32 });
  const single = await createRuntime({ initialMemoryMiB: 32 });
  out.threads = rt.threads;
  out.shared = typeof SharedArrayBuffer !== 'undefined' && rt.memory.buffer instanceof SharedArrayBuffer;
  const A = poisson2d(40, { runtime: rt }), B = poisson2d(40, { runtime: single });
  const x = Float64Array.from({ length: A.cols }, (_, i) => Math.sin(i) + 2);
  out.spmvEqual = bits(A.multiply(x)) === bits(B.multiply(x));
  const ra = solve(A, x, { method: 'cg', precond: 'jacobi' }), rb = solve(B, x, { method: 'cg', precond: 'jacobi' });
  out.converged = ra.converged;
  out.iterations = [ra.iterations, rb.iterations];
  out.maxDiff = Math.max(...ra.x.map((v, i) => Math.abs(v - rb.x[i])));
  if (rt.terminate) { await rt.terminate(); out.afterTerminate = rt.threads; }
  window.result = { ok: true, ...out };
} catch (e) {
  window.result = { ok: false, error: String(e && e.stack || e) };
}
`;

const TYPES: Record<string, string> = { '.js': 'text/javascript', '.wasm': 'application/wasm', '.html': 'text/html' };

describe.skipIf(!hasChromium)('threads in the browser (headless Chromium)', () => {
  let server: Server;
  let origin = '';
  let profile = '';
  beforeAll(async () => {
    server = createServer(async (req, res) => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const isolated = url.pathname.startsWith('/isolated/');
      const headers: Record<string, string> = isolated
        ? { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' }
        : {};
      const rest = url.pathname.replace(/^\/(isolated|plain)\//, '/');
      if (rest === '/page.html') {
        res.writeHead(200, { ...headers, 'Content-Type': 'text/html' });
        res.end(`<!doctype html><script type="module">${PAGE_SCRIPT.replaceAll('/dist/', `/${isolated ? 'isolated' : 'plain'}/dist/`)}</script>`);
        return;
      }
      if (!/^\/(dist|build)\/[\w./-]+$/.test(rest) || rest.includes('..')) {
        res.writeHead(404).end();
        return;
      }
      try {
        const body = await readFile(path.join(root, rest));
        res.writeHead(200, { ...headers, 'Content-Type': TYPES[path.extname(rest)] ?? 'application/octet-stream' });
        res.end(body);
      } catch {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    profile = await mkdtemp(path.join(tmpdir(), 'sparse-threads-chromium-'));
  });
  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    if (profile) await rm(profile, { recursive: true, force: true });
  });

  async function load(kind: 'isolated' | 'plain') {
    const context = await launchChromium(path.join(profile, kind));
    try {
      const page = await context.newPage();
      await page.goto(`${origin}/${kind}/page.html`);
      await page.waitForFunction(() => (window as { result?: unknown }).result !== undefined, undefined, { timeout: 60_000 });
      return await page.evaluate(() => (window as unknown as { result: Record<string, unknown> }).result);
    } finally {
      await context.close();
    }
  }

  it('a cross-origin isolated page runs 2 threads (Web Workers): SpMV bitwise, CG within rounding', async () => {
    const r = await load('isolated');
    expect(r.ok, String(r.error)).toBe(true);
    expect(r).toMatchObject({ isolated: true, supported: true, why: null, threads: 2, shared: true, spmvEqual: true, converged: true, afterTerminate: 1 });
    const [a, b] = r.iterations as number[];
    expect(Math.abs(a - b)).toBeLessThanOrEqual(2);
    expect(r.maxDiff as number).toBeLessThan(1e-9);
  });

  it('a page that is not isolated falls back to the single-thread build and says why', async () => {
    const r = await load('plain');
    expect(r.ok, String(r.error)).toBe(true);
    expect(r).toMatchObject({ isolated: false, supported: false, threads: 1, shared: false, spmvEqual: true, converged: true });
    expect(String(r.why)).toMatch(/SharedArrayBuffer|cross-origin isolated/);
  });
});
