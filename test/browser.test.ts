// End-to-end check of the browser build: a real headless Chromium (Debian's /usr/bin/chromium,
// driven by playwright-core) loads test/browser/index.html from a localhost server, imports
// /dist/index.js, fetches build/sparse.wasm by its default URL (and also uses the base64 builds
// from /dist/inline.js), parses real Matrix Market files and multiplies them by a vector.
// The products must be bitwise equal to the same calls in Node (same wasm, same operations).
//
// Needs `npm run build` first (dist/ and build/). Without Chromium the suite is skipped with a
// warning, unless SPARSE_WASM_REQUIRE_BROWSER=1 (CI), which turns a missing Chromium into a failure.
// SPARSE_WASM_CHROMIUM overrides the browser path.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startStaticServer, type StaticServer } from './browser/server.js';
import { hasChromium, launchChromium, reportMissingChromium } from './browser/chromium.js';
import { base64ToF64, FIXTURES, runCases } from './browser/cases.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const fixturesDir = path.join(root, 'test', 'browser', 'fixtures');

interface CaseResult {
  fixture: string;
  variant: string;
  layout: string;
  rows: number;
  cols: number;
  nnz: number;
  y: string;
}
interface RunResult {
  simdSupported: boolean;
  simd: Record<string, boolean>;
  inputs: Record<string, { rows: number; cols: number; entries: number; x: string }>;
  cases: CaseResult[];
}
type PageResult = ({ ok: true; userAgent: string } & RunResult) | { ok: false; error: string };

reportMissingChromium('browser (headless Chromium)', 'browser test');

/** First differing element of two Float64Arrays compared by bits, or undefined when identical. */
function firstBitDifference(a: Float64Array, b: Float64Array): string | undefined {
  if (a.length !== b.length) return `lengths differ: ${a.length} vs ${b.length}`;
  const ua = new BigUint64Array(a.buffer, a.byteOffset, a.length);
  const ub = new BigUint64Array(b.buffer, b.byteOffset, b.length);
  let count = 0;
  let first = -1;
  for (let i = 0; i < a.length; i++) {
    if (ua[i] !== ub[i]) {
      count++;
      if (first < 0) first = i;
    }
  }
  if (count === 0) return undefined;
  return `${count} of ${a.length} entries differ; first at ${first}: ${a[first]} vs ${b[first]}`;
}

describe.skipIf(!hasChromium)('browser (headless Chromium via playwright-core)', () => {
  let server: StaticServer | undefined;
  let userDataDir: string | undefined;
  let context: import('playwright-core').BrowserContext | undefined;
  const problems: string[] = []; // console errors, page errors, failed requests
  let result: PageResult;

  beforeAll(async () => {
    for (const f of ['dist/index.js', 'dist/inline.js', 'build/sparse.wasm', 'build/sparse-scalar.wasm']) {
      if (!existsSync(path.join(root, f))) throw new Error(`${f} is missing: run \`npm run build\` first`);
    }
    server = await startStaticServer(root);
    userDataDir = await mkdtemp(path.join(tmpdir(), 'sparse-wasm-chromium-'));
    context = await launchChromium(userDataDir);
    const page = context.pages()[0] ?? (await context.newPage());
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console.error: ${m.text()} (${m.location().url})`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.stack ?? e.message}`));
    page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
    page.on('response', (r) => {
      if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
    });
    await page.goto(`${server.origin}/test/browser/index.html`, { waitUntil: 'load', timeout: 30_000 });
    try {
      await page.waitForFunction(() => (window as unknown as { __result?: unknown }).__result !== undefined, undefined, {
        timeout: 30_000,
      });
    } catch (e) {
      throw new Error(`the page reported no result: ${e}\n${problems.join('\n')}`);
    }
    result = await page.evaluate(() => (window as unknown as { __result: PageResult }).__result);
  }, 90_000);

  afterAll(async () => {
    await context?.close().catch(() => {});
    await server?.close();
    if (userDataDir) await rm(userDataDir, { recursive: true, force: true, maxRetries: 3 });
  });

  it('loads the package and runs every case without console errors, page errors or failed requests', () => {
    expect({ error: result.ok ? '' : result.error, problems }).toEqual({ error: '', problems: [] });
    const requested = server!.requests.map((r) => `${r.method} ${r.path} ${r.status}`);
    // init() without options fetched the SIMD build by its default URL (dist/runtime/../../build)
    expect(requested).toContain('GET /build/sparse.wasm 200');
    expect(requested).not.toContain('GET /build/sparse-scalar.wasm 200');
    expect(server!.requests.every((r) => r.status === 200)).toBe(true);
  });

  it('uses the SIMD build in Chromium', () => {
    if (!result.ok) throw new Error(result.error);
    expect(result.simdSupported).toBe(true);
    expect(result.simd).toEqual({ default: true, 'inline-simd': true, 'inline-scalar': false });
  });

  it('computes products bitwise equal to Node for every fixture, runtime and layout', async () => {
    if (!result.ok) throw new Error(result.error);
    const lib = await import('../dist/index.js');
    const inline = await import('../dist/inline.js');
    // x comes from the page: V8 versions may differ in the last bit of Math.sin, which would say
    // nothing about the library. (That they agree to rounding is checked below.)
    const browserX = (fixture: string) => base64ToF64(result.ok ? result.inputs[fixture].x : '');
    const node: RunResult = await runCases(
      lib,
      inline,
      (name: string) => readFile(path.join(fixturesDir, name), 'utf8'),
      (fixture: string) => browserX(fixture),
    );
    const key = (c: CaseResult) => `${c.fixture} ${c.variant} ${c.layout}`;
    expect(result.cases.map(key)).toEqual(node.cases.map(key));
    expect(result.cases.length).toBe(FIXTURES.length * 5);
    const mismatches: string[] = [];
    for (let i = 0; i < node.cases.length; i++) {
      const b = result.cases[i], n = node.cases[i];
      expect({ rows: b.rows, cols: b.cols, nnz: b.nnz }).toEqual({ rows: n.rows, cols: n.cols, nnz: n.nnz });
      const diff = firstBitDifference(base64ToF64(b.y), base64ToF64(n.y));
      if (diff) mismatches.push(`${key(n)}: ${diff}`);
    }
    expect(mismatches).toEqual([]);
    for (const fixture of FIXTURES) {
      const bx = browserX(fixture);
      const nx = new Float64Array(bx.length).map((_, i) => Math.sin(i + 1));
      for (let i = 0; i < bx.length; i++) expect(Math.abs(bx[i] - nx[i])).toBeLessThanOrEqual(2.3e-16);
    }
  });

  it('computes the right products (plain JS reference on the parsed triplets)', async () => {
    if (!result.ok) throw new Error(result.error);
    const lib = await import('../dist/index.js');
    for (const fixture of FIXTURES) {
      const m = lib.parseMatrixMarket(await readFile(path.join(fixturesDir, fixture), 'utf8'));
      const x = base64ToF64(result.inputs[fixture].x);
      const ref = new Float64Array(m.rows);
      const mag = new Float64Array(m.rows);
      for (let k = 0; k < m.values.length; k++) {
        ref[m.rowIndex[k]] += m.values[k] * x[m.colIndex[k]];
        mag[m.rowIndex[k]] += Math.abs(m.values[k] * x[m.colIndex[k]]);
      }
      for (const c of result.cases.filter((c) => c.fixture === fixture)) {
        const y = base64ToF64(c.y);
        expect(y.length).toBe(m.rows);
        let worst = 0;
        for (let i = 0; i < m.rows; i++) worst = Math.max(worst, Math.abs(y[i] - ref[i]) - 1e-13 * mag[i]);
        expect(worst, `${fixture} ${c.variant} ${c.layout}`).toBeLessThanOrEqual(0);
      }
    }
  });
});
