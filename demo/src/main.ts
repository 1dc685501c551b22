// The workbench page: load a matrix, see its facts and pattern, solve in a worker while the
// residual curve grows, compare two choices, run a sequence four ways. The main thread only
// draws: reading, analysing, binning and solving happen in workers (workbench-worker.ts).
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import './style.css';
import { METHOD_NAMES, preconditionerNames } from 'sparse-wasm';
import { CancelledError, WorkerClient, WorkerError, newId } from './client';
import type { AutoView, CsrData, ErrorView, MatrixFactsView, MatrixSource, SequenceRunView, SequenceSettings, SolveSettings, SolveView } from './protocol';
import { PoolSolver, type Solver, type SolveRun } from './solver';
import { sequenceRuns } from './sweep';

// A few bundled matrices (test/fixtures/matrices), emitted as assets by Vite: literal URLs only.
const EXAMPLES: { name: string; about: string; url: string }[] = [
  { name: 'bcsstk01.mtx.gz', about: '48, SPD, structural', url: new URL('../../test/fixtures/matrices/bcsstk01.mtx.gz', import.meta.url).href },
  { name: '494_bus.mtx.gz', about: '494, SPD, power network', url: new URL('../../test/fixtures/matrices/494_bus.mtx.gz', import.meta.url).href },
  { name: 'gr_30_30.mtx.gz', about: '900, SPD, 2D grid', url: new URL('../../test/fixtures/matrices/gr_30_30.mtx.gz', import.meta.url).href },
  { name: 'bcsstk13.mtx.gz', about: '2003, SPD, fluid dynamics (hard)', url: new URL('../../test/fixtures/matrices/bcsstk13.mtx.gz', import.meta.url).href },
  { name: 'orsirr_1.mtx.gz', about: '1030, nonsymmetric, oil reservoir', url: new URL('../../test/fixtures/matrices/orsirr_1.mtx.gz', import.meta.url).href },
  { name: 'west0479.mtx.gz', about: '479, nonsymmetric, 471 diagonal entries missing', url: new URL('../../test/fixtures/matrices/west0479.mtx.gz', import.meta.url).href },
  { name: 'sherman1.mtx.gz', about: '1000, symmetric, fluid dynamics', url: new URL('../../test/fixtures/matrices/sherman1.mtx.gz', import.meta.url).href },
];

const METHODS = ['auto', ...METHOD_NAMES];
const PRECONDS = ['auto', ...preconditionerNames()];
/** the density picture's bins a side (at most) */
const DENSITY_SIZE = 400;

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
const fmt = (v: number) => (Number.isFinite(v) ? v.toExponential(6) : String(v));
const ms = (v: number) => `${v.toFixed(1)} ms`;

// ---------------------------------------------------------------- state

const inspector = new WorkerClient('inspector');
const sequencer = new WorkerClient('sequence');
const solver: Solver = new PoolSolver();

interface Loaded {
  facts: MatrixFactsView;
  auto: AutoView;
  matrix: CsrData;
  b: Float64Array;
}
let loaded: Loaded | null = null;
let lastSolve: SolveView | null = null;
let busy: 'load' | 'solve' | 'compare' | null = null;
let running: SolveRun | null = null;
let compareCancelled = false;

/** For the page's test and for curious users (devtools): the charts and the last results. */
const hook = {
  charts: {} as Record<string, uPlot>,
  get loaded() { return loaded && { facts: loaded.facts, auto: loaded.auto }; },
  get lastSolve() { return lastSolve; },
  compare: [] as SolveView[],
  sequence: [] as SequenceRunView[],
  busy: () => busy,
};
(window as unknown as { workbench: typeof hook }).workbench = hook;

// ---------------------------------------------------------------- errors

/** The library's error as the page shows it (from the pool, the library's own class; from the page's workers, its data). */
function errorParts(e: unknown): ErrorView {
  if (e instanceof WorkerError) return e.view;
  const err = e as { name?: unknown; message?: unknown; line?: unknown; row?: unknown } | null;
  return {
    name: typeof err?.name === 'string' ? err.name : 'Error',
    message: typeof err?.message === 'string' ? err.message : String(e),
    ...(typeof err?.line === 'number' ? { line: err.line } : {}),
    ...(typeof err?.row === 'number' ? { row: err.row } : {}),
  };
}

function showError(e: unknown, context: string): void {
  if (e instanceof CancelledError) return;
  const box = $('error');
  const v = errorParts(e);
  const where = v.line !== undefined ? ` <span class="line">(line ${v.line})</span>`
    : v.row !== undefined ? ` <span class="line">(row ${v.row}, counted from 0)</span>` : '';
  box.innerHTML = `<strong>${escape(v.name)}</strong>${where} while ${escape(context)}: ${escape(v.message)}`;
  box.hidden = false;
  box.dataset.name = v.name;
  if (v.line !== undefined) box.dataset.line = String(v.line);
  else delete box.dataset.line;
}
function clearError(): void {
  $('error').hidden = true;
  $('error').textContent = '';
}
function escape(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}
window.addEventListener('error', (ev) => showError(ev.error ?? new Error(ev.message), 'running the page'));
window.addEventListener('unhandledrejection', (ev) => showError(ev.reason, 'running the page'));

// ---------------------------------------------------------------- controls

function fillSelect(sel: HTMLSelectElement, values: string[], value?: string): void {
  sel.innerHTML = values.map((v) => `<option value="${v}">${v}</option>`).join('');
  if (value) sel.value = value;
}
fillSelect($('method'), METHODS, 'auto');
fillSelect($('precond'), PRECONDS, 'auto');
for (const s of ['a', 'b']) {
  fillSelect($(`cmp-method-${s}`), METHODS, 'auto');
  fillSelect($(`cmp-precond-${s}`), PRECONDS, 'auto');
}
fillSelect($('seq-precond'), PRECONDS.filter((p) => p !== 'auto'), 'ilu0');
$<HTMLSelectElement>('example').innerHTML = EXAMPLES.map((e, i) => `<option value="${i}">${e.name} (${e.about})</option>`).join('');

function updateButtons(): void {
  const square = !!loaded && loaded.facts.rows === loaded.facts.cols;
  $<HTMLButtonElement>('solve').disabled = !square || busy !== null;
  $<HTMLButtonElement>('compare').disabled = !square || busy !== null;
  $<HTMLButtonElement>('cancel').disabled = busy !== 'solve';
  $<HTMLButtonElement>('compare-cancel').disabled = busy !== 'compare';
  $<HTMLButtonElement>('download').disabled = !lastSolve || busy !== null;
  for (const id of ['load-example', 'generate']) $<HTMLButtonElement>(id).disabled = busy !== null;
  $<HTMLInputElement>('file').disabled = busy !== null;
  document.body.dataset.busy = busy ?? '';
}

/** Counts finished actions (loads, solves, comparisons), so that a script can wait for the next one. */
let finished = 0;
function markFinished(): void {
  document.body.dataset.finished = String(++finished);
}

function numberInput(id: string, what: string): number {
  const v = Number($<HTMLInputElement>(id).value.trim());
  if (!Number.isFinite(v)) throw new Error(`${what} must be a number, got "${$<HTMLInputElement>(id).value}"`);
  return v;
}

function solveSettings(method: string, precond: string): SolveSettings {
  return {
    method, precond,
    rtol: numberInput('rtol', 'rtol'), atol: numberInput('atol', 'atol'),
    maxIterations: numberInput('max-iter', 'max iterations'), restart: numberInput('restart', 'restart'),
    pivot: $<HTMLSelectElement>('pivot').value as 'shift' | 'error',
  };
}

// ---------------------------------------------------------------- loading

async function loadMatrix(source: MatrixSource, label: string): Promise<void> {
  if (busy) return;
  busy = 'load';
  updateButtons();
  clearError();
  $('solve-status').textContent = `reading ${label}…`;
  try {
    const r = await inspector.request<'loaded'>({ type: 'load', id: newId(), source, densitySize: DENSITY_SIZE });
    loaded = { facts: r.facts, auto: r.auto, matrix: r.matrix, b: r.b };
    lastSolve = null;
    if (r.facts.rows === r.facts.cols) solver.setMatrix(r.matrix, r.b);
    showFacts(r.facts, r.loadMs);
    drawDensity(r.density.width, r.density.height, r.density.rgba, r.density.maxCount, r.density.binMs);
    showAuto(r.auto);
    clearSolveResult();
    $('solve-status').textContent = '';
  } catch (e) {
    $('solve-status').textContent = '';
    showError(e, `reading ${label}`);
  } finally {
    busy = null;
    updateButtons();
    markFinished();
  }
}

function showFacts(f: MatrixFactsView, loadMs: number): void {
  const rows: [string, string][] = [
    ['matrix', f.name],
    ['shape', `${f.rows.toLocaleString('en')} x ${f.cols.toLocaleString('en')}`],
    ['nonzeros', f.nnz.toLocaleString('en')],
    ['symmetric', f.numericallySymmetric ? 'yes (numerically)' : f.patternSymmetric ? 'pattern only' : 'no'],
    ['diagonal', `${f.diagonalSign}${f.missingDiagonal ? `, ${f.missingDiagonal} missing` : ''}`],
    ['diagonal dominance', f.diagonalDominance],
    ['bandwidth', String(f.bandwidth)],
    ['empty rows', String(f.emptyRows)],
    ['SPD guess', f.spdGuess],
    ['read + analysed in', ms(loadMs)],
  ];
  $('facts').innerHTML = `<tbody>${rows.map(([k, v]) => `<tr><th>${k}</th><td data-fact="${k}">${escape(v)}</td></tr>`).join('')}</tbody>`;
}

function drawDensity(width: number, height: number, rgba: Uint8ClampedArray, maxCount: number, binMs: number): void {
  const canvas = $<HTMLCanvasElement>('density');
  canvas.width = width;
  canvas.height = height;
  const scale = 320 / Math.max(width, height);
  canvas.style.width = `${Math.round(width * scale)}px`;
  canvas.style.height = `${Math.round(height * scale)}px`;
  canvas.getContext('2d')!.putImageData(new ImageData(rgba as Uint8ClampedArray<ArrayBuffer>, width, height), 0, 0);
  $('density-caption').textContent = `${width} x ${height} bins, up to ${maxCount.toLocaleString('en')} nonzeros per bin (log colour); binned in ${ms(binMs)} in the worker`;
}

function showAuto(a: AutoView): void {
  const el = $('auto');
  if (a.error) {
    el.innerHTML = `auto: no automatic choice: <strong>${escape(a.error.name)}</strong>: ${escape(a.error.message)}`;
    setChoice('', 'gmres', 'none');
    setChoice('cmp-', 'gmres', 'none', 'b');
    return;
  }
  el.innerHTML = `auto picks <strong>${escape(a.method)} + ${escape(a.precond)}</strong>: ${escape(a.choice.replace(/^[^:]*:\s*/, ''))}`;
  setChoice('', a.method, a.precond);
  setChoice('cmp-', a.method, a.precond, 'a');
  // B: the same method with the simplest preconditioner of its kind, or BiCGSTAB with A's
  const bMethod = a.method === 'cg' || a.method === 'minres' ? a.method : 'bicgstab';
  const bPrecond = a.precond === 'ic0' || a.method === 'minres' ? 'jacobi' : a.precond;
  setChoice('cmp-', bMethod, bPrecond, 'b');
}

function setChoice(prefix: string, method: string, precond: string, side?: 'a' | 'b'): void {
  const suffix = side ? `-${side}` : '';
  $<HTMLSelectElement>(`${prefix}method${suffix}`).value = method;
  $<HTMLSelectElement>(`${prefix}precond${suffix}`).value = precond;
}

$('file').addEventListener('change', () => {
  const f = $<HTMLInputElement>('file').files?.[0];
  if (f) void loadMatrix({ kind: 'file', file: f }, f.name);
  $<HTMLInputElement>('file').value = '';
});
$('load-example').addEventListener('click', () => {
  const e = EXAMPLES[Number($<HTMLSelectElement>('example').value)];
  void loadMatrix({ kind: 'url', url: e.url, name: e.name }, e.name);
});
$('generate').addEventListener('click', () => {
  const generator = $<HTMLSelectElement>('generator').value as 'poisson2d' | 'poisson3d';
  const size = Number($<HTMLInputElement>('gen-size').value);
  void loadMatrix({ kind: 'generator', generator, size }, `the ${generator} generator`);
});
// a file dropped anywhere on the page (outside the sequence's file input) is loaded
window.addEventListener('dragover', (ev) => {
  ev.preventDefault();
  $('drop').classList.add('over');
});
window.addEventListener('dragleave', () => $('drop').classList.remove('over'));
window.addEventListener('drop', (ev) => {
  ev.preventDefault();
  $('drop').classList.remove('over');
  const f = ev.dataTransfer?.files?.[0];
  if (f) void loadMatrix({ kind: 'file', file: f }, f.name);
});

// ---------------------------------------------------------------- charts

/** tick steps of an integer axis (iterations, systems) */
const INTEGER_STEPS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 1e4, 2e4, 5e4, 1e5, 2e5, 5e5, 1e6];

/** A log-scale residual chart; x = iterations. Zero residuals (log undefined) are gaps. */
function residualChart(target: HTMLElement, series: string[]): uPlot {
  const colors = ['#1f5fbf', '#d9480f', '#2b8a3e', '#862e9c'];
  const u = new uPlot(
    {
      width: Math.max(300, target.clientWidth || 800),
      height: 240,
      scales: { x: { time: false }, y: { distr: 3 } },
      axes: [
        { label: 'iteration', incrs: INTEGER_STEPS },
        { label: 'residual norm ||r_k||', size: 64, values: (_u, splits) => splits.map((v) => (v == null ? '' : v.toExponential(0))) },
      ],
      series: [{ label: 'iteration' }, ...series.map((label, i) => ({ label, stroke: colors[i], width: 1.5, spanGaps: true, points: { show: false } }))],
      legend: { live: false },
    },
    [[], ...series.map(() => [])],
    target,
  );
  fitWidth(u, target);
  return u;
}

/** Keeps a chart as wide as its container (the result table beside it grows with its content). */
function fitWidth(u: uPlot, target: HTMLElement): void {
  new ResizeObserver(() => {
    const width = Math.max(300, Math.floor(target.clientWidth));
    if (width !== u.width) u.setSize({ width, height: u.height });
  }).observe(target);
}

/** Points a live curve shows at most: every k-th point (and the last) of a long one. */
const LIVE_POINTS = 1000;

/** A residual curve: iterations (ascending) and the residual norm at each. */
interface Curve {
  x: number[];
  y: number[];
}
const emptyCurve = (): Curve => ({ x: [], y: [] });
/** The whole history of a finished solve: iterations 1..n. */
const historyCurve = (history: number[]): Curve => ({ x: history.map((_, i) => i + 1), y: history });

function thin(c: Curve, maxPoints: number): Curve {
  const n = c.x.length;
  if (n <= maxPoints) return c;
  const step = Math.ceil(n / maxPoints);
  const x: number[] = [], y: number[] = [];
  for (let i = 0; i < n; i += step) { x.push(c.x[i]); y.push(c.y[i]); }
  if (x[x.length - 1] !== c.x[n - 1]) { x.push(c.x[n - 1]); y.push(c.y[n - 1]); }
  return { x, y };
}

/**
 * The curves on one x axis, as uPlot wants them: the union of their iterations, each curve null
 * where it has no point (zero residuals too: no logarithm). `maxPoints` thins a long live curve
 * (every k-th point, the last kept), so a redraw stays short however long the solve; a finished
 * curve is drawn whole. A live curve may have gaps (the pool reports sampled progress).
 */
function aligned(curves: Curve[], maxPoints = Infinity): uPlot.AlignedData {
  const thinned = curves.map((c) => thin(c, maxPoints));
  const whole = thinned.every((c) => c.x.length === 0 || c.x[c.x.length - 1] === c.x.length);
  const xs = whole
    ? Array.from({ length: Math.max(0, ...thinned.map((c) => c.x.length)) }, (_, i) => i + 1)
    : [...new Set(thinned.flatMap((c) => c.x))].sort((a, b) => a - b);
  const at = whole ? null : new Map(xs.map((x, i) => [x, i]));
  return [xs, ...thinned.map((c) => {
    const y = new Array<number | null>(xs.length).fill(null);
    for (let k = 0; k < c.x.length; k++) y[at ? at.get(c.x[k])! : k] = c.y[k] > 0 ? c.y[k] : null;
    return y;
  })];
}

/**
 * Redraws at most every REDRAW_MS, in an animation frame, whatever the rate of progress messages:
 * a chart redrawn every frame would keep the main thread busy for nothing.
 */
const REDRAW_MS = 200;
function throttledRedraw(draw: () => void): () => void {
  let pending = false;
  let last = 0;
  return () => {
    if (pending) return;
    pending = true;
    setTimeout(() => requestAnimationFrame((now) => {
      pending = false;
      last = now;
      draw();
    }), Math.max(0, last + REDRAW_MS - performance.now()));
  };
}

const residualPlot = residualChart($('residual-chart'), ['residual']);
const comparePlot = residualChart($('compare-chart'), ['A', 'B']);
hook.charts.residual = residualPlot;
hook.charts.compare = comparePlot;

// ---------------------------------------------------------------- solving

function clearSolveResult(): void {
  $('solve-result').innerHTML = '';
  $('compare-result').innerHTML = '';
  residualPlot.setData(aligned([emptyCurve()]));
  comparePlot.setData(aligned([emptyCurve(), emptyCurve()]));
  hook.compare = [];
}

function resultRows(results: (SolveView | null)[], names: string[]): string {
  const cell = (r: SolveView | null, f: (r: SolveView) => string, key: string) => `<td data-key="${key}">${r ? escape(f(r)) : ''}</td>`;
  const rows: [string, string, (r: SolveView) => string][] = [
    ['choice', 'choice', (r) => `${r.method} + ${r.precond}`],
    ['iterations', 'iterations', (r) => String(r.iterations)],
    ['stopped because', 'reason', (r) => r.reason + (r.detail ? ` (${r.detail})` : '')],
    ['relative residual ||b - Ax|| / ||b||', 'relativeResidual', (r) => fmt(r.relativeResidual)],
    ['residual norm ||b - Ax||', 'residualNorm', (r) => fmt(r.residualNorm)],
    ['setup (preconditioner)', 'setupMs', (r) => ms(r.setupMs)],
    ['iterating', 'solveMs', (r) => ms(r.solveMs)],
    ['max |x_i - 1|', 'error', (r) => fmt(maxError(r.x))],
  ];
  const head = `<thead><tr><th></th>${names.map((n) => `<th>${n}</th>`).join('')}</tr></thead>`;
  return head + `<tbody>${rows.map(([label, key, f]) => `<tr><th>${label}</th>${results.map((r) => cell(r, f, key)).join('')}</tr>`).join('')}</tbody>`;
}

function maxError(x: Float64Array): number {
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i] - 1));
  return m;
}

/** Runs one solve with a live curve; resolves with the result, or null when cancelled or failed. */
async function runSolve(settings: SolveSettings, onCurve: (curve: Curve, live: boolean) => void, status: HTMLElement): Promise<SolveView | null> {
  const live = emptyCurve();
  const lastIteration = () => live.x[live.x.length - 1] ?? 0;
  // a redraw still waiting for its frame when the result comes would draw the shorter progress
  // curve over the final one: `ended` turns it into nothing
  let ended = false;
  const redraw = throttledRedraw(() => {
    if (ended) return;
    onCurve(live, true);
    status.textContent = `solving: iteration ${lastIteration()}, ||r|| = ${fmt(live.y[live.y.length - 1])}`;
  });
  status.textContent = 'setting up…';
  running = solver.solve(settings, (iterations, residuals) => {
    for (let k = 0; k < iterations.length; k++) {
      live.x.push(iterations[k]);
      live.y.push(residuals[k]);
    }
    redraw();
  });
  try {
    const r = await running.result;
    ended = true;
    onCurve(historyCurve(r.history), false);
    status.textContent = r.reason === 'aborted' ? `cancelled at iteration ${r.iterations} (partial x kept)` : `done: ${r.reason}`;
    return r;
  } catch (e) {
    ended = true;
    if (e instanceof CancelledError) {
      onCurve(live, false);
      status.textContent = `${e.message}; progress was reported up to iteration ${lastIteration()}`;
    } else {
      status.textContent = 'failed';
      showError(e, `solving with ${settings.method} + ${settings.precond}`);
    }
    return null;
  } finally {
    running = null;
  }
}

$('solve').addEventListener('click', async () => {
  if (busy || !loaded) return;
  clearError();
  let settings: SolveSettings;
  try {
    settings = solveSettings($<HTMLSelectElement>('method').value, $<HTMLSelectElement>('precond').value);
  } catch (e) {
    return showError(e, 'reading the settings');
  }
  busy = 'solve';
  lastSolve = null;
  updateButtons();
  $('solve-result').innerHTML = '';
  const r = await runSolve(settings, (c, live) => residualPlot.setData(aligned([c], live ? LIVE_POINTS : Infinity)), $('solve-status'));
  if (r) {
    lastSolve = r;
    $('solve-result').innerHTML = resultRows([r], ['result']);
  }
  busy = null;
  updateButtons();
  markFinished();
});
$('cancel').addEventListener('click', () => running?.cancel());

$('download').addEventListener('click', async () => {
  if (!lastSolve || !loaded) return;
  try {
    const x = lastSolve.x.slice();
    const comment = ` solution of ${loaded.facts.name} by sparse-wasm ${lastSolve.method} + ${lastSolve.precond}: ${lastSolve.iterations} iterations, ${lastSolve.reason}, relative residual ${fmt(lastSolve.relativeResidual)}`;
    const r = await inspector.request<'formatted'>({ type: 'format', id: newId(), x, comment }, [x.buffer]);
    const a = document.createElement('a');
    a.href = URL.createObjectURL(r.blob);
    a.download = `${loaded.facts.name.replace(/\.gz$/, '').replace(/\.mtx$/, '').replace(/[^\w.-]+/g, '_')}.x.mtx`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
  } catch (e) {
    showError(e, 'writing the solution');
  }
});

// ---------------------------------------------------------------- compare

$('compare').addEventListener('click', async () => {
  if (busy || !loaded) return;
  clearError();
  let settings: SolveSettings[];
  try {
    settings = ['a', 'b'].map((s) => solveSettings($<HTMLSelectElement>(`cmp-method-${s}`).value, $<HTMLSelectElement>(`cmp-precond-${s}`).value));
  } catch (e) {
    return showError(e, 'reading the settings');
  }
  busy = 'compare';
  compareCancelled = false;
  updateButtons();
  const curves: Curve[] = [emptyCurve(), emptyCurve()];
  const results: (SolveView | null)[] = [null, null];
  hook.compare = [];
  $('compare-result').innerHTML = resultRows(results, ['A', 'B']);
  for (let k = 0; k < 2 && !compareCancelled; k++) {
    const r = await runSolve(settings[k], (c, live) => {
      curves[k] = c;
      comparePlot.setData(aligned(curves, live ? LIVE_POINTS : Infinity));
    }, $('solve-status'));
    results[k] = r;
    if (r) hook.compare[k] = r;
    $('compare-result').innerHTML = resultRows(results, ['A', 'B']);
    if (!r) break;
  }
  busy = null;
  updateButtons();
  markFinished();
});
$('compare-cancel').addEventListener('click', () => {
  compareCancelled = true;
  running?.cancel();
});

// ---------------------------------------------------------------- sequence

const seqColors = ['#868e96', '#1f5fbf', '#e8590c', '#2b8a3e'];
let seqPlot: uPlot | null = null;

function sequenceChart(count: number, labels: string[]): uPlot {
  seqPlot?.destroy();
  const target = $('seq-chart');
  const u = new uPlot(
    {
      width: Math.max(320, target.clientWidth || 800),
      height: 220,
      scales: { x: { time: false }, y: { range: (_u, _min, max) => [0, Math.max(1, max * 1.1)] } },
      axes: [{ label: 'system (input order)', incrs: INTEGER_STEPS }, { label: 'iterations', size: 60 }],
      legend: { live: false },
      series: [{ label: 'system' }, ...labels.map((label, i) => ({ label, stroke: seqColors[i], width: 1.5, points: { show: true, size: 5 } }))],
    },
    [Array.from({ length: count }, (_, i) => i), ...labels.map(() => new Array(count).fill(null))],
    target,
  );
  hook.charts.sequence = u;
  return u;
}

let seqRunning = false;
$('seq-run').addEventListener('click', async () => {
  if (seqRunning) return;
  clearError();
  const kind = (document.querySelector('input[name="seq-source"]:checked') as HTMLInputElement).value;
  let settings: SequenceSettings;
  try {
    const N = numberInput('seq-n', 'grid N'), count = numberInput('seq-count', 'systems');
    const files = [...($<HTMLInputElement>('seq-files').files ?? [])];
    if (kind === 'files' && files.length < 2) throw new Error('pick at least two matrix files of one size for a sequence');
    settings = {
      source: kind === 'files' ? { kind: 'files', files } : { kind: kind as 'varcoef' | 'wind', N, count },
      method: $<HTMLSelectElement>('seq-method').value, precond: $<HTMLSelectElement>('seq-precond').value,
      recycle: numberInput('seq-recycle', 'recycle k'), rtol: numberInput('rtol', 'rtol'),
      initialGuess: $<HTMLSelectElement>('seq-guess').value as SequenceSettings['initialGuess'],
      shuffle: $<HTMLInputElement>('seq-shuffle').checked,
    };
  } catch (e) {
    return showError(e, 'reading the sequence settings');
  }
  seqRunning = true;
  $<HTMLButtonElement>('seq-run').disabled = true;
  $<HTMLButtonElement>('seq-cancel').disabled = false;
  const count = settings.source.kind === 'files' ? settings.source.files.length : settings.source.count;
  const labels = sequenceRuns(settings.recycle).map((r) => r.label);
  const u = sequenceChart(count, labels);
  const data = u.data.map((a) => Array.from(a)) as (number | null)[][];
  const redraw = throttledRedraw(() => { if (hook.charts.sequence === u) u.setData(data as uPlot.AlignedData); });
  hook.sequence = [];
  $('seq-result').innerHTML = '';
  const status = $('seq-status');
  status.textContent = 'preparing the systems…';
  try {
    await sequencer.request<'sequence-done'>({ type: 'sequence', id: newId(), settings }, [], (e) => {
      if (e.type === 'sequence-progress') {
        data[e.run + 1][e.index] = e.iterations;
        status.textContent = `run ${e.run + 1}/4 (${e.label}): system ${e.index}, ${e.iterations} iterations`;
        redraw();
      } else if (e.type === 'sequence-run') {
        hook.sequence.push(e.run);
        showSequenceTable(hook.sequence);
      }
    });
    status.textContent = 'done';
  } catch (e) {
    status.textContent = e instanceof CancelledError ? 'cancelled' : 'failed';
    showError(e, 'running the sequence');
  } finally {
    seqRunning = false;
    $<HTMLButtonElement>('seq-run').disabled = false;
    $<HTMLButtonElement>('seq-cancel').disabled = true;
  }
});
$('seq-cancel').addEventListener('click', () => sequencer.terminate('cancelled'));

function showSequenceTable(runs: SequenceRunView[]): void {
  const head = '<thead><tr><th>run</th><th>converged</th><th>iterations (total)</th><th>setup</th><th>solve</th><th>sort</th><th>wall</th></tr></thead>';
  const body = runs.map((r) => `<tr><th><span class="swatch" style="background:${seqColors[runs.indexOf(r)]}"></span>${escape(r.label)}</th>` +
    `<td>${r.totals.converged}/${r.totals.systems}</td><td data-key="iterations">${r.totals.iterations}</td><td>${ms(r.totals.setupMs)}</td>` +
    `<td>${ms(r.totals.solveMs)}</td><td>${ms(r.totals.sortMs)}</td><td>${ms(r.totals.totalMs)}</td></tr>`).join('');
  $('seq-result').innerHTML = head + `<tbody>${body}</tbody>`;
}

// ---------------------------------------------------------------- start

updateButtons();
Promise.all([inspector.start(), solver.ready])
  .then(([simd]) => {
    $('env').textContent =
      `WebAssembly ${simd ? 'SIMD' : 'scalar'} build; ` +
      (solver.cancellation === 'shared-flag'
        ? 'cross-origin isolated: Cancel sets a shared flag the solve reads every iteration'
        : 'not cross-origin isolated: Cancel terminates the solving worker') +
      `; solving in ${solver.description}.`;
    document.body.dataset.ready = 'true';
  })
  .catch((e) => showError(e, 'starting the workers'));
