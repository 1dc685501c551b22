// The workbench page (demo/) in headless Chromium, as a user meets it: built by Vite with the
// page's own config (demo/vite.config.ts) and served by `vite preview` (its COOP/COEP headers:
// cross-origin isolated), then by a plain static server without them (cancellation by
// terminating the worker). What the page shows is checked against the library run here in Node
// on the same inputs: the facts, the automatic choice and its reason, the density picture, the
// iterations, residuals and solution, every plotted point (the residual history), a compared
// pair, a sequence run four ways, the downloaded solution. Also: a malformed file and a failed
// factorization show the library's error (line or row), a long solve streams its curve and is
// cancelled, and no main-thread task exceeds 100 ms during about 5 s of solving
// (PerformanceObserver 'longtask'). Saves a screenshot (test/artifacts/; see screenshotFile).
//
// Needs `npm run build` first (dist/, build/). Chromium as in browser.test.ts: skipped with a
// warning when missing, a failure when SPARSE_WASM_REQUIRE_BROWSER=1.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import {
  init, CsrMatrix, SolverSession, csrFromMatrixMarket, parseMatrixMarket, matrixProperties, poisson2d, solveSequence,
  varcoefSequence, type SolveResult,
} from '../src/index.js';
import { hasChromium, launchChromium, reportMissingChromium } from './browser/chromium.js';
import { startStaticServer, type StaticServer } from './browser/server.js';
import { matrixText } from './matrices.js';
import { sequenceRuns, shuffledOrder } from '../demo/src/sweep.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const demoConfig = path.join(root, 'demo', 'vite.config.ts');
/**
 * The screenshot: an artifact under test/artifacts (not tracked), or where
 * SPARSE_WASM_DEMO_SCREENSHOT says (`SPARSE_WASM_DEMO_SCREENSHOT=demo/screenshot.png` renews the
 * README's picture); a tracked file rewritten by every test run would leave checkouts dirty.
 */
const screenshotFile = path.resolve(root, process.env.SPARSE_WASM_DEMO_SCREENSHOT || path.join('test', 'artifacts', 'demo-screenshot.png'));

reportMissingChromium('demo workbench (headless Chromium)', 'demo test');

await init();

/** The page's number format (demo/src/main.ts). */
const fmt = (v: number) => (Number.isFinite(v) ? v.toExponential(6) : String(v));
/** What the log-scale chart plots for a residual history: zeros (no logarithm) are gaps. */
const plotted = (h: number[]) => h.map((v) => (v > 0 ? v : null));

function readMatrix(name: string): CsrMatrix {
  return csrFromMatrixMarket(parseMatrixMarket(matrixText(name)));
}

/** The page's solve in Node: b = A * ones, the same session options. */
function reference(A: CsrMatrix, options: { method: string; precond: string; rtol?: number; maxIterations?: number }): { r: SolveResult; choice: string } {
  const b = A.multiply(new Float64Array(A.cols).fill(1));
  const s = new SolverSession(A, { rtol: 1e-8, atol: 0, maxIterations: 10000, ...options } as never);
  try {
    return { r: s.solve(b), choice: s.choice };
  } finally {
    s.dispose();
  }
}

interface PageSolve {
  iterations: number;
  reason: string;
  method: string;
  precond: string;
  history: number[];
  x: number[];
}

describe.skipIf(!hasChromium)('workbench page (demo/): Vite build in headless Chromium', () => {
  let tmp: string;
  let outDir: string;
  let vite: typeof import('vite');
  let preview: import('vite').PreviewServer | undefined;
  let staticServer: StaticServer | undefined;
  let context: BrowserContext | undefined;
  let page: Page;
  const problems: string[] = [];

  async function openPage(url: string): Promise<Page> {
    const p = await context!.newPage();
    await p.setViewportSize({ width: 900, height: 800 });
    p.on('pageerror', (e) => problems.push(`page error: ${e.stack ?? e.message}`));
    p.on('console', (m) => { if (m.type() === 'error') problems.push(`console.error: ${m.text()}`); });
    p.on('response', (r) => { if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`); });
    // every main-thread task over 50 ms, with its start (ms since navigation)
    await p.addInitScript(() => {
      const w = window as unknown as { longTasks: { start: number; duration: number }[] };
      w.longTasks = [];
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) w.longTasks.push({ start: e.startTime, duration: e.duration });
      }).observe({ type: 'longtask', buffered: true });
    });
    await p.goto(url, { waitUntil: 'load', timeout: 20_000 });
    await p.waitForSelector('body[data-ready="true"]', { timeout: 20_000 });
    return p;
  }

  const idle = (p = page, timeout = 30_000) =>
    p.waitForFunction(() => document.body.dataset.busy === '', undefined, { timeout });
  const text = async (selector: string, p = page) => ((await p.textContent(selector)) ?? '').trim();
  const cell = (table: string, key: string, column = 0, p = page) => text(`#${table} td[data-key="${key}"] >> nth=${column}`, p);
  const fact = (name: string) => text(`#facts td[data-fact="${name}"]`);
  const lastSolve = (p = page) =>
    p.evaluate(() => {
      const r = (window as unknown as { workbench: { lastSolve: PageSolve | null } }).workbench.lastSolve;
      return r && { iterations: r.iterations, reason: r.reason, method: r.method, precond: r.precond, history: r.history, x: Array.from(r.x) };
    });
  // after two frames: a redraw still waiting for one would show up in the data
  const chartData = async (name: string, p = page) =>
    p.evaluate(async (n) => {
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      return (window as unknown as { workbench: { charts: Record<string, { data: unknown[][] }> } }).workbench.charts[n].data.map((s) => Array.from(s));
    }, name);
  const errorBox = () => page.evaluate(() => {
    const e = document.getElementById('error')!;
    return { hidden: e.hidden, text: e.textContent ?? '', name: e.dataset.name, line: e.dataset.line };
  });

  async function loadExample(name: string, p = page): Promise<void> {
    const value = await p.evaluate((n) => [...document.querySelectorAll<HTMLOptionElement>('#example option')].find((o) => o.text.startsWith(n))?.value, name);
    expect(value, `example ${name} on the page`).toBeDefined();
    await p.selectOption('#example', value!);
    await act('#load-example', p);
    expect(await text('#facts td[data-fact="matrix"]', p)).toBe(`${name}.gz`);
  }

  async function setSettings(s: { method?: string; precond?: string; rtol?: string; maxIter?: string }): Promise<void> {
    if (s.method) await page.selectOption('#method', s.method);
    if (s.precond) await page.selectOption('#precond', s.precond);
    if (s.rtol) await page.fill('#rtol', s.rtol);
    if (s.maxIter) await page.fill('#max-iter', s.maxIter);
  }

  /** Clicks `button` and waits until the page has finished that action (main.ts counts them). */
  async function act(button: string, p = page, timeout = 30_000): Promise<void> {
    const before = Number(await p.evaluate(() => document.body.dataset.finished ?? '0'));
    await p.click(button);
    await p.waitForFunction((n) => Number(document.body.dataset.finished ?? '0') > n, before, { timeout });
  }
  const solveOnPage = (p = page) => act('#solve', p);

  /** The numbers in the result table and every plotted point equal the Node result. */
  async function expectShown(r: SolveResult): Promise<void> {
    expect(await cell('solve-result', 'choice')).toBe(`${r.method} + ${r.precond}`);
    expect(await cell('solve-result', 'iterations')).toBe(String(r.iterations));
    expect(await cell('solve-result', 'reason')).toBe(r.reason + (r.detail ? ` (${r.detail})` : ''));
    expect(await cell('solve-result', 'relativeResidual')).toBe(fmt(r.relativeResidual));
    expect(await cell('solve-result', 'residualNorm')).toBe(fmt(r.residualNorm));
    const shown = await lastSolve();
    // the same wasm on the same inputs: the same floating-point operations, bit for bit
    expect(shown!.history).toEqual(r.history);
    expect(shown!.x).toEqual(Array.from(r.x));
    const [xs, ys] = await chartData('residual');
    expect(xs).toEqual(r.history.map((_, i) => i + 1));
    expect(ys).toEqual(plotted(r.history));
  }

  beforeAll(async () => {
    for (const f of ['dist/main.js', 'build/sparse.wasm', 'build/sparse-scalar.wasm']) {
      if (!existsSync(path.join(root, f))) throw new Error(`${f} is missing: run \`npm run build\` first`);
    }
    vite = await import('vite');
    tmp = await mkdtemp(path.join(tmpdir(), 'sparse-wasm-demo-'));
    outDir = path.join(tmp, 'site');
    await vite.build({ configFile: demoConfig, logLevel: 'silent', build: { outDir, emptyOutDir: true } });
    preview = await vite.preview({ configFile: demoConfig, logLevel: 'silent', build: { outDir }, preview: { host: '127.0.0.1', port: 0, strictPort: false } });
    context = await launchChromium(path.join(tmp, 'chromium-profile'));
    page = await openPage(preview.resolvedUrls!.local[0]);
  }, 90_000);

  afterAll(async () => {
    await context?.close().catch(() => {});
    await preview?.close().catch(() => {});
    await staticServer?.close().catch(() => {});
    if (tmp) await rm(tmp, { recursive: true, force: true, maxRetries: 3 });
  });

  it('starts cross-origin isolated (vite preview sends COOP/COEP) with the SIMD build', async () => {
    expect(await text('#env')).toBe("WebAssembly SIMD build; cross-origin isolated: Cancel sets a shared flag the solve reads every iteration; solving in one worker of the package's solver pool (createSolverPool).");
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  });

  it('a bundled example: facts, automatic choice, density picture, solve, plotted history', async () => {
    await loadExample('gr_30_30.mtx');
    const A = readMatrix('gr_30_30.mtx');
    try {
      const p = matrixProperties(A);
      expect(await fact('shape')).toBe(`${p.rows} x ${p.cols}`);
      expect(await fact('nonzeros')).toBe(p.nnz.toLocaleString('en'));
      expect(await fact('symmetric')).toBe('yes (numerically)');
      expect(await fact('diagonal')).toBe(p.diagonalSign);
      expect(await fact('bandwidth')).toBe(String(p.bandwidth));
      // the automatic choice and its reason, as the session words it
      const auto = reference(A, { method: 'auto', precond: 'auto' });
      expect(await text("#auto")).toBe(`auto picks ${auto.choice}`);
      expect(await page.inputValue('#method')).toBe(auto.r.method);
      expect(await page.inputValue('#precond')).toBe(auto.r.precond);
      // the density picture: a pixel per bin, coloured exactly where a bin has a nonzero
      const size = 400, scale = Math.min(1, size / Math.max(A.rows, A.cols));
      const W = Math.ceil(A.cols * scale), H = Math.ceil(A.rows * scale);
      const bins = new Set<number>();
      const rp = A.rowPtr, ci = A.colIdx;
      for (let i = 0; i < A.rows; i++) {
        for (let q = rp[i]; q < rp[i + 1]; q++) bins.add(Math.floor((i * H) / A.rows) * W + Math.floor((ci[q] * W) / A.cols));
      }
      const canvas = await page.evaluate(() => {
        const c = document.getElementById('density') as HTMLCanvasElement;
        const px = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
        const inked: number[] = [];
        for (let k = 0; k < px.length / 4; k++) if (!(px[4 * k] === 255 && px[4 * k + 1] === 255 && px[4 * k + 2] === 255)) inked.push(k);
        return { width: c.width, height: c.height, inked };
      });
      expect([canvas.width, canvas.height]).toEqual([W, H]);
      expect(canvas.inked).toEqual([...bins].sort((a, b) => a - b));

      await solveOnPage();
      expect(await text('#solve-status')).toBe('done: converged-rtol');
      await expectShown(auto.r);
    } finally {
      A.dispose();
    }
  });

  it('a dropped .mtx file: solved as in Node; the downloaded solution is the solution', async () => {
    const mtx = matrixText('orsirr_1.mtx');
    await page.evaluate((content) => {
      const dt = new DataTransfer();
      dt.items.add(new File([content], 'orsirr_1.mtx', { type: 'text/plain' }));
      document.getElementById('drop')!.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    }, mtx);
    await page.waitForFunction(() => document.querySelector('#facts td[data-fact="matrix"]')?.textContent === 'orsirr_1.mtx');
    await idle();
    const A = readMatrix('orsirr_1.mtx');
    try {
      expect(await fact('nonzeros')).toBe(A.nnz.toLocaleString('en'));
      const props = matrixProperties(A);
      expect(await fact('symmetric')).toBe(props.numericallySymmetric ? 'yes (numerically)' : props.patternSymmetric ? 'pattern only' : 'no');
      const auto = reference(A, { method: 'auto', precond: 'auto' });
      expect(auto.r.method).toBe('gmres');
      await solveOnPage();
      await expectShown(auto.r);

      const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
      expect(download.suggestedFilename()).toBe('orsirr_1.x.mtx');
      const saved = parseMatrixMarket(await readFile((await download.path())!, 'utf8'));
      expect([saved.rows, saved.cols, saved.header.format]).toEqual([A.rows, 1, 'array']);
      expect(Array.from(saved.values)).toEqual(Array.from(auto.r.x));
    } finally {
      A.dispose();
    }
  });

  it('compare: both curves and both results, as in Node', async () => {
    // on orsirr_1 still: A = the automatic gmres + ilu0, B = bicgstab + ilu0 (the page's default pair)
    expect(await page.inputValue('#cmp-method-b')).toBe('bicgstab');
    await act('#compare');
    const A = readMatrix('orsirr_1.mtx');
    try {
      const a = reference(A, { method: 'gmres', precond: 'ilu0' }).r;
      const b = reference(A, { method: 'bicgstab', precond: 'ilu0' }).r;
      for (const [k, r] of [a, b].entries()) {
        expect(await cell('compare-result', 'choice', k)).toBe(`${r.method} + ${r.precond}`);
        expect(await cell('compare-result', 'iterations', k)).toBe(String(r.iterations));
        expect(await cell('compare-result', 'relativeResidual', k)).toBe(fmt(r.relativeResidual));
        expect(await cell('compare-result', 'solveMs', k)).toMatch(/^\d+\.\d ms$/);
      }
      const [xs, ya, yb] = await chartData('compare');
      const n = Math.max(a.history.length, b.history.length);
      expect(xs).toEqual(Array.from({ length: n }, (_, i) => i + 1));
      const pad = (h: number[]) => [...plotted(h), ...new Array(n - h.length).fill(null)];
      expect(ya).toEqual(pad(a.history));
      expect(yb).toEqual(pad(b.history));
    } finally {
      A.dispose();
    }
  });

  it('a malformed file shows the line-numbered SparseFormatError; the page goes on working', async () => {
    const bad = '%%MatrixMarket matrix coordinate real general\n3 3 2\n1 1 1.0\n2 x 2.0\n';
    let expected = '';
    try {
      parseMatrixMarket(bad);
    } catch (e) {
      expected = (e as Error).message;
    }
    expect(expected).toMatch(/^line 4: /);
    await page.setInputFiles('#file', { name: 'bad.mtx', mimeType: 'text/plain', buffer: Buffer.from(bad) });
    await page.waitForFunction(() => !document.getElementById('error')!.hidden);
    const err = await errorBox();
    expect(err).toMatchObject({ name: 'SparseFormatError', line: '4' });
    expect(err.text).toBe(`SparseFormatError (line 4) while reading bad.mtx: ${expected}`);
    // the matrix loaded before is still there and still solves
    expect(await fact('matrix')).toBe('orsirr_1.mtx');
    await solveOnPage();
    expect(await text('#solve-status')).toBe('done: converged-rtol');
    expect((await errorBox()).hidden).toBe(true);
  });

  it('a failed factorization shows the library\'s FactorizationError with its row', async () => {
    await loadExample('west0479.mtx');
    await setSettings({ method: 'gmres', precond: 'ilu0' });
    await page.selectOption('#pivot', 'error');
    const A = readMatrix('west0479.mtx');
    let expected: Error | undefined;
    try {
      reference(A, { method: 'gmres', precond: 'ilu0', precondOptions: { pivot: 'error' } } as never);
    } catch (e) {
      expected = e as Error;
    } finally {
      A.dispose();
    }
    expect(expected?.name).toBe('FactorizationError');
    await solveOnPage();
    const err = await errorBox();
    expect(err).toMatchObject({ hidden: false, name: 'FactorizationError' });
    expect(err.text).toBe(`FactorizationError (row ${(expected as unknown as { row: number }).row}, counted from 0) while solving with gmres + ilu0: ${expected!.message}`);
    expect(await text('#solve-status')).toBe('failed');
    await page.selectOption('#pivot', 'shift');
  });

  it('a long solve streams its curve with no main-thread task over 100 ms, and Cancel stops it (shared flag)', async () => {
    // restarted GMRES without a preconditioner on a 300 x 300 Poisson grid: tens of thousands
    // of iterations (about a minute in Node), cancelled after about 5 s
    await page.selectOption('#generator', 'poisson2d');
    await page.fill('#gen-size', '300');
    await act('#generate');
    expect(await fact('matrix')).toBe('Poisson 2D, 300 x 300 grid');
    const P = poisson2d(300);
    try {
      expect(await fact('nonzeros')).toBe(P.nnz.toLocaleString('en'));
    } finally {
      P.dispose();
    }
    await setSettings({ method: 'gmres', precond: 'none', rtol: '1e-14', maxIter: '1000000' });
    const start = await page.evaluate(() => performance.now());
    await page.click('#solve');
    await page.waitForFunction(() => document.body.dataset.busy === 'solve');
    // the last iteration plotted (a long live curve is thinned to every k-th iteration)
    const points = async () => {
      const xs = (await chartData('residual'))[0] as number[];
      return xs.length ? xs[xs.length - 1] : 0;
    };
    await page.waitForFunction(() => (window as unknown as { workbench: { charts: { residual: { data: unknown[][] } } } }).workbench.charts.residual.data[0].length > 0, undefined, { timeout: 20_000 });
    const early = await points();
    await page.waitForTimeout(Math.max(0, 5000 - ((await page.evaluate(() => performance.now())) - start)));
    const late = await points();
    expect(late).toBeGreaterThan(early); // the curve grows while the worker solves
    expect(await page.evaluate(() => document.body.dataset.busy)).toBe('solve');
    // the page answers while the worker computes
    expect(await page.evaluate(() => 1 + 1)).toBe(2);
    await page.click('#cancel');
    await idle(page, 10_000);
    const end = await page.evaluate(() => performance.now());
    const r = await lastSolve();
    expect(r!.reason).toBe('aborted');
    expect(r!.iterations).toBeGreaterThanOrEqual(late);
    expect(await text('#solve-status')).toBe(`cancelled at iteration ${r!.iterations} (partial x kept)`);
    const [xs, ys] = await chartData('residual');
    expect(xs.length).toBe(r!.history.length);
    expect(ys).toEqual(plotted(r!.history));
    const long = await page.evaluate(([t0, t1]) =>
      (window as unknown as { longTasks: { start: number; duration: number }[] }).longTasks.filter((t) => t.start + t.duration > t0 && t.start < t1), [start, end]);
    // 100 ms on a machine with cores to spare. Where the load average exceeds the cores, the OS
    // preempts the renderer inside its tasks and stretches their wall time by about load / cores
    // (measured here at load 13 on 2 cores: 50-80 ms tasks running 5-20 ms of script), so the
    // bound is scaled by that factor; a solve on the main thread (one task of seconds) fails either way.
    const bound = 100 * Math.max(1, loadavg()[0] / availableParallelism());
    expect(long.filter((t) => t.duration > bound), `tasks over ${bound.toFixed(0)} ms`).toEqual([]);
  }, 40_000);

  it('a sequence four ways: iterations per system as solveSequence gives them in Node', async () => {
    await page.check('input[name="seq-source"][value="varcoef"]');
    await page.fill('#seq-n', '16');
    await page.fill('#seq-count', '8');
    await page.selectOption('#seq-method', 'gcrodr');
    await page.selectOption('#seq-precond', 'ilu0');
    await page.fill('#seq-recycle', '6');
    await page.fill('#rtol', '1e-8');
    await page.click('#seq-run');
    await page.waitForFunction(() => ['done', 'failed', 'cancelled'].includes(document.getElementById('seq-status')!.textContent!), undefined, { timeout: 30_000 });
    expect(await text('#seq-status')).toBe('done');
    const shown = await page.evaluate(() => (window as unknown as { workbench: { sequence: { label: string; iterations: number[]; totals: { iterations: number } }[] } }).workbench.sequence);
    const chart = await chartData('sequence');
    const gen = varcoefSequence({ N: 16, count: 8 });
    const order = shuffledOrder(8);
    const runs = sequenceRuns(6);
    expect(shown.map((s) => s.label)).toEqual(runs.map((r) => r.label));
    for (const [k, run] of runs.entries()) {
      const res = await solveSequence({ count: 8, load: (i) => gen.load(order[i]) }, {
        method: 'gcrodr', precond: 'ilu0', rtol: 1e-8, sort: run.sort, recycle: run.recycle, initialGuess: 'galerkin', keepSolutions: false, history: false,
      });
      const its = res.results.map((r) => r!.iterations);
      expect(shown[k].iterations).toEqual(its);
      expect(shown[k].totals.iterations).toBe(res.totals.iterations);
      expect(chart[k + 1]).toEqual(its);
    }
    expect(chart[0]).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('saves a screenshot of the page (test/artifacts/demo-screenshot.png)', async () => {
    // a tidy state for the picture: a bundled example solved and compared
    await loadExample('bcsstk13.mtx');
    await page.fill('#rtol', '1e-8');
    await page.fill('#max-iter', '10000');
    await solveOnPage();
    await act('#compare');
    await mkdir(path.dirname(screenshotFile), { recursive: true });
    await page.screenshot({ path: screenshotFile, fullPage: true, scale: 'css', type: 'png' });
    expect((await readFile(screenshotFile)).subarray(1, 4).toString()).toBe('PNG');
    expect(problems).toEqual([]);
  });

  it('without cross-origin isolation (a plain static server) it still works: Cancel terminates the worker', async () => {
    staticServer = await startStaticServer(outDir);
    const p = await openPage(`${staticServer.origin}/index.html`);
    try {
      expect(await text('#env', p)).toMatch(/not cross-origin isolated: Cancel terminates the solving worker/);
      expect(await p.evaluate(() => typeof SharedArrayBuffer)).toBe('undefined');
      await p.fill('#gen-size', '300');
      await act('#generate', p);
      expect(await text('#facts td[data-fact="matrix"]', p)).toBe('Poisson 2D, 300 x 300 grid');
      await p.selectOption('#method', 'gmres');
      await p.selectOption('#precond', 'none');
      await p.fill('#rtol', '1e-14');
      await p.fill('#max-iter', '1000000');
      await p.click('#solve');
      await p.waitForFunction(() => (window as unknown as { workbench: { charts: { residual: { data: unknown[][] } } } }).workbench.charts.residual.data[0].length > 0, undefined, { timeout: 20_000 });
      await p.click('#cancel');
      await idle(p, 10_000);
      expect(await text('#solve-status', p)).toMatch(/^cancelled: the solve was stopped .* by terminating its worker.*; progress was reported up to iteration \d+$/);
      // a new worker gets the matrix again: the next solve works
      await p.selectOption('#method', 'cg');
      await p.selectOption('#precond', 'ic0');
      await p.fill('#rtol', '1e-8');
      await solveOnPage(p);
      const P = poisson2d(300);
      try {
        const ref = reference(P, { method: 'cg', precond: 'ic0' }).r;
        const r = await lastSolve(p);
        expect([r!.iterations, r!.reason]).toEqual([ref.iterations, ref.reason]);
        expect(r!.history).toEqual(ref.history);
      } finally {
        P.dispose();
      }
      expect(problems).toEqual([]);
    } finally {
      await p.close();
    }
  }, 40_000);

  it('`npm run demo`: the Vite dev server serves the same page (isolated), which loads and solves an example', async () => {
    const dev = await vite.createServer({
      configFile: demoConfig, logLevel: 'silent', cacheDir: path.join(tmp, 'vite-cache'),
      server: { host: '127.0.0.1', port: 0, strictPort: false, hmr: false },
    });
    try {
      await dev.listen();
      const p = await openPage(dev.resolvedUrls!.local[0]);
      try {
        expect(await text('#env', p)).toMatch(/cross-origin isolated: Cancel sets a shared flag/);
        await loadExample('494_bus.mtx', p);
        await solveOnPage(p);
        const A = readMatrix('494_bus.mtx');
        try {
          const ref = reference(A, { method: 'auto', precond: 'auto' }).r;
          expect(await cell('solve-result', 'iterations', 0, p)).toBe(String(ref.iterations));
          expect(await cell('solve-result', 'relativeResidual', 0, p)).toBe(fmt(ref.relativeResidual));
        } finally {
          A.dispose();
        }
        expect(problems).toEqual([]);
      } finally {
        await p.close();
      }
    } finally {
      await dev.close();
    }
  }, 40_000);
});
