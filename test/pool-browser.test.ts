// The solver pool in a real headless Chromium: module Web Workers loading /dist/pool/worker.js,
// each instantiating the wasm module the page compiled once. Two pages: served with COOP/COEP
// (crossOriginIsolated: SharedArrayBuffer, so an abort stops the running solve through the shared
// flag, reason 'aborted') and without (an abort ends the worker and replaces it: the solve rejects
// with SolveAbortedError, the matrix is re-sent and keeps working). Both: pool results bitwise
// equal to the page's own SolverSession, typed errors, a crashed worker replaced, close().
//
// Needs `npm run build` first. Chromium handling as in browser.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startStaticServer, type StaticServer } from './browser/server.js';
import { hasChromium, launchChromium, reportMissingChromium } from './browser/chromium.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
reportMissingChromium('pool in the browser (headless Chromium)', 'pool browser test');

interface PageResult {
  ok: boolean;
  error?: string;
  crossOriginIsolated: boolean;
  size: number;
  cancellation: string;
  cases: { name: string; k: number; same: boolean; iterations: number; localIterations: number; reason: string; xIsF64: boolean }[];
  errors: Record<string, { name: string; message?: string; instance?: boolean }>;
  abort: { resolved: boolean; reason?: string; iterations?: number; seenAtAbort: number; lastBefore?: number; detail?: string; name?: string; message?: string };
  afterAbort: { reason: string };
  crash: { crashed: { name: string }; again: string[] };
  close: { refused: string; given: string };
}

describe.skipIf(!hasChromium)('SolverPool in Chromium Web Workers', () => {
  let context: import('playwright-core').BrowserContext | undefined;
  let userDataDir: string | undefined;
  const servers: StaticServer[] = [];
  const results: Record<'isolated' | 'plain', { result: PageResult; problems: string[] }> = {} as never;

  async function runPage(isolated: boolean): Promise<{ result: PageResult; problems: string[] }> {
    const server = await startStaticServer(root, { crossOriginIsolated: isolated });
    servers.push(server);
    const page = await context!.newPage();
    const problems: string[] = [];
    page.on('console', (m) => {
      // the deliberate uncaught error of the crash test is reported by the worker as a console error
      if (m.type() === 'error' && !/deliberate uncaught error/.test(m.text())) problems.push(`console.error: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.stack ?? e.message}`));
    page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
    try {
      await page.goto(`${server.origin}/test/browser/pool.html`, { waitUntil: 'load', timeout: 30_000 });
      await page.waitForFunction(() => (window as unknown as { __result?: unknown }).__result !== undefined, undefined, { timeout: 60_000 });
      const result = await page.evaluate(() => (window as unknown as { __result: PageResult }).__result);
      return { result, problems };
    } finally {
      await page.close();
    }
  }

  beforeAll(async () => {
    for (const f of ['dist/index.js', 'dist/pool/worker.js', 'build/sparse.wasm']) {
      if (!existsSync(path.join(root, f))) throw new Error(`${f} is missing: run \`npm run build\` first`);
    }
    userDataDir = await mkdtemp(path.join(tmpdir(), 'sparse-wasm-pool-chromium-'));
    context = await launchChromium(userDataDir);
    results.isolated = await runPage(true);
    results.plain = await runPage(false);
  }, 150_000);

  afterAll(async () => {
    await context?.close().catch(() => {});
    for (const s of servers) await s.close();
    if (userDataDir) await rm(userDataDir, { recursive: true, force: true, maxRetries: 3 });
  });

  for (const kind of ['isolated', 'plain'] as const) {
    describe(kind === 'isolated' ? 'crossOriginIsolated page (COOP/COEP)' : 'page without cross-origin isolation', () => {
      it('runs without errors, with the expected cancellation mode', () => {
        const { result, problems } = results[kind];
        expect({ error: result.error ?? '', problems }).toEqual({ error: '', problems: [] });
        expect(result.crossOriginIsolated).toBe(kind === 'isolated');
        expect(result.size).toBe(2);
        expect(result.cancellation).toBe(kind === 'isolated' ? 'shared-flag' : 'terminate');
      });

      it('pool results are bitwise equal to the page\'s own SolverSession', () => {
        const { result } = results[kind];
        expect(result.cases.length).toBe(6);
        for (const c of result.cases) {
          expect(c, `${c.name} #${c.k}`).toMatchObject({ same: true, reason: 'converged-rtol', xIsF64: true });
          expect(c.iterations).toBe(c.localIterations);
        }
      });

      it('typed errors cross the worker boundary', () => {
        const { errors } = results[kind].result;
        expect(errors.dimension).toMatchObject({ name: 'DimensionMismatchError', instance: true });
        expect(errors.format).toMatchObject({ name: 'SparseFormatError', instance: true });
        expect(errors.format.message).toMatch(/column index 9/);
      });

      it(kind === 'isolated'
        ? 'a timer aborts a long solve through the shared flag within a few iterations (reason aborted)'
        : 'a timer aborts a long solve by replacing its worker (SolveAbortedError); the matrix keeps working', () => {
        const { abort, afterAbort } = results[kind].result;
        expect(abort.seenAtAbort).toBeGreaterThan(0);
        if (kind === 'isolated') {
          expect(abort).toMatchObject({ resolved: true, reason: 'aborted' });
          expect(abort.lastBefore!).toBeGreaterThan(0);
          expect(abort.iterations! - abort.lastBefore!).toBeLessThanOrEqual(5); // 1 in practice; slack for the clocks
          expect(abort.iterations!).toBeLessThan(100000);
        } else {
          expect(abort).toMatchObject({ resolved: false, name: 'SolveAbortedError' });
          expect(abort.message).toMatch(/crossOriginIsolated/);
        }
        expect(afterAbort.reason).toBe('converged-rtol');
      });

      it('a worker ended by an uncaught error is replaced; close() drains and refuses new work', () => {
        const { crash, close } = results[kind].result;
        expect(crash.crashed.name).toBe('WorkerCrashedError');
        expect(crash.again).toEqual(['converged-rtol', 'converged-rtol', 'converged-rtol', 'converged-rtol']);
        expect(close).toEqual({ refused: 'PoolClosedError', given: 'converged-rtol' });
      });
    });
  }
});
