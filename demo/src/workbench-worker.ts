// The workbench's own worker: what the page computes besides single solves (those run on the
// package's solver pool, solver.ts), off the main thread, through the package's public API only.
// One script, two instances (main.ts): an "inspector" (reads and generates matrices, their facts,
// the automatic choice, the density picture, formats solutions) and a "sequence" worker
// (solveSequence four ways; cancelled by terminating it).
import {
  init, CsrMatrix, SolverSession, readMatrixMarket, csrFromMatrixMarket, matrixProperties, poisson2d,
  formatMatrixMarketArray, solveSequence, InvalidArgumentError, varcoefSequence, rotatingWindSequence, SequenceError,
  type SequenceSource,
} from 'sparse-wasm';
import type {
  AutoView, CsrData, DensityView, ErrorView, MatrixFactsView, MatrixSource, Reply, Request, SequenceRunView,
  SequenceSettings,
} from './protocol';
import { densityImage } from './density';
import { poisson3d } from './poisson3d';
import { sequenceRuns, shuffledOrder } from './sweep';

const post = (m: Reply, transfer: Transferable[] = []) => (self as unknown as Worker).postMessage(m, transfer);

const ready = init().then((rt) => {
  post({ type: 'ready', simd: rt.simd });
  return rt;
});

self.onmessage = async (ev: MessageEvent<Request>) => {
  const req = ev.data;
  try {
    await ready;
    switch (req.type) {
      case 'load': return await load(req.id, req.source, req.densitySize);
      case 'format': {
        const text = formatMatrixMarketArray(req.x.length, 1, req.x, { comment: req.comment });
        return post({ type: 'formatted', id: req.id, blob: new Blob([text], { type: 'text/plain' }) });
      }
      case 'sequence': return await runSequences(req.id, req.settings);
    }
  } catch (e) {
    post({ type: 'error', id: req.id, error: errorView(e) });
  }
};

/** The library's error as the page shows it: its class name, its words, its line (Matrix Market). */
function errorView(e: unknown): ErrorView {
  if (e instanceof SequenceError && e.cause) {
    const inner = errorView(e.cause);
    return { ...inner, name: `${e.name} (${inner.name})`, message: e.message.includes(inner.message) ? e.message : `${e.message}: ${inner.message}` };
  }
  if (e instanceof Error) {
    const { line, row } = e as { line?: unknown; row?: unknown };
    return { name: e.name, message: e.message, ...(typeof line === 'number' ? { line } : {}), ...(typeof row === 'number' ? { row } : {}) };
  }
  return { name: 'Error', message: String(e) };
}

async function readMatrix(source: MatrixSource): Promise<{ A: CsrMatrix; name: string }> {
  if (source.kind === 'generator') {
    const k = source.size;
    // the page keeps a copy of the matrix and sends one to the solving worker: a million rows at most
    if (source.generator === 'poisson2d' && !(Number.isInteger(k) && k >= 1 && k <= 1000)) {
      throw new InvalidArgumentError(`Poisson 2D: grid size must be an integer from 1 to 1000 (a million rows), got ${k}`);
    }
    return source.generator === 'poisson2d'
      ? { A: poisson2d(k), name: `Poisson 2D, ${k} x ${k} grid` }
      : { A: poisson3d(k), name: `Poisson 3D, ${k} x ${k} x ${k} grid` };
  }
  if (source.kind === 'url') {
    const response = await fetch(source.url);
    return { A: csrFromMatrixMarket(await readMatrixMarket(response, { name: source.name })), name: source.name };
  }
  return { A: csrFromMatrixMarket(await readMatrixMarket(source.file, { name: source.file.name })), name: source.file.name };
}

async function load(id: number, source: MatrixSource, densitySize: number): Promise<void> {
  const t0 = performance.now();
  const { A, name } = await readMatrix(source);
  try {
    const p = matrixProperties(A);
    const spdLike = p.numericallySymmetric && p.diagonalSign === 'positive';
    const facts: MatrixFactsView = {
      name, rows: p.rows, cols: p.cols, nnz: p.nnz,
      numericallySymmetric: p.numericallySymmetric, patternSymmetric: p.patternSymmetric,
      diagonalSign: p.diagonalSign, diagonalDominance: p.diagonalDominance, bandwidth: p.bandwidth,
      emptyRows: p.emptyRows, missingDiagonal: p.missingDiagonal,
      spdGuess: p.rows !== p.cols
        ? 'no (not square)'
        : spdLike
          ? p.diagonalDominance !== 'none' ? 'likely (symmetric, positive diagonal, diagonally dominant)' : 'maybe (symmetric, positive diagonal)'
          : p.numericallySymmetric ? 'no (diagonal not positive)' : 'no (not symmetric)',
    };
    const auto = autoChoice(A);
    const t1 = performance.now();
    const density = densityImage(A.rows, A.cols, A.rowPtr, A.colIdx, densitySize);
    density.binMs = performance.now() - t1;
    // b = A * ones, so that x = ones solves the system (the CLI's default right-hand side too)
    const b = A.rows === A.cols ? A.multiply(new Float64Array(A.cols).fill(1)) : new Float64Array(0);
    const matrix: CsrData = { rows: A.rows, cols: A.cols, rowPtr: A.rowPtr.slice(), colIdx: A.colIdx.slice(), values: A.values.slice() };
    post(
      { type: 'loaded', id, facts, auto, density, matrix, b, loadMs: performance.now() - t0 },
      [density.rgba.buffer, matrix.rowPtr.buffer, matrix.colIdx.buffer, matrix.values.buffer, b.buffer],
    );
  } finally {
    A.dispose();
  }
}

/** What SolverSession picks with method and preconditioner 'auto', and why (its `choice`). */
function autoChoice(A: CsrMatrix): AutoView {
  try {
    const s = new SolverSession(A, { method: 'auto', precond: 'auto', history: false });
    try {
      return { method: s.method, precond: s.precond, choice: s.choice };
    } finally {
      s.dispose();
    }
  } catch (e) {
    return { method: '', precond: '', choice: '', error: errorView(e) };
  }
}

async function systemsOf(settings: SequenceSettings): Promise<SequenceSource> {
  const src = settings.source;
  if (src.kind === 'files') {
    const systems = [];
    for (const file of src.files) {
      const A = csrFromMatrixMarket(await readMatrixMarket(file, { name: file.name }));
      try {
        const b = A.multiply(new Float64Array(A.cols).fill(1));
        systems.push({ A: { rows: A.rows, cols: A.cols, indptr: A.rowPtr.slice(), indices: A.colIdx.slice(), data: A.values.slice() }, b });
      } finally {
        A.dispose();
      }
    }
    return systems;
  }
  const gen = src.kind === 'varcoef' ? varcoefSequence({ N: src.N, count: src.count }) : rotatingWindSequence(src.N, src.count);
  // input i is the sweep's parameter value order[i]: sorting should find the sweep's order again
  const order = settings.shuffle ? shuffledOrder(src.count) : Array.from({ length: src.count }, (_, i) => i);
  return { count: gen.count, load: (i: number) => gen.load(order[i]) };
}

async function runSequences(id: number, settings: SequenceSettings): Promise<void> {
  const systems = await systemsOf(settings);
  // without recycling is k = 0 (GCRO-DR is then GMRES(m), recycled CG is CG): `recycle: false`
  // would leave the method's own default, which recycles
  const runs = sequenceRuns(settings.recycle);
  for (let k = 0; k < runs.length; k++) {
    const { sort, recycle, label } = runs[k];
    const res = await solveSequence(systems, {
      method: settings.method as never, precond: settings.precond as never, rtol: settings.rtol, sort, recycle,
      initialGuess: settings.initialGuess, keepSolutions: false, history: false,
      onSystem: (r) => post({ type: 'sequence-progress', id, run: k, label, index: r.index, iterations: r.iterations, converged: r.converged }),
    });
    const n = res.results.length;
    const run: SequenceRunView = {
      label, sort, recycle,
      iterations: Array.from({ length: n }, (_, i) => res.results[i]?.iterations ?? NaN),
      converged: Array.from({ length: n }, (_, i) => res.results[i]?.converged ?? false),
      order: res.order,
      totals: { ...res.totals },
    };
    post({ type: 'sequence-run', id, run });
  }
  post({ type: 'sequence-done', id });
}
