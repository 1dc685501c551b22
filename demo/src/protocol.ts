// Messages between the page (main.ts) and its own workers (workbench-worker.ts), and the page's
// views of results. Everything here is
// plain data (structured-clone safe): typed arrays, Files, Blobs, numbers and strings.

/** A matrix as CSR arrays, as the page keeps it and sends it to a solving worker. */
export interface CsrData {
  rows: number;
  cols: number;
  rowPtr: Int32Array;
  colIdx: Int32Array;
  values: Float64Array;
}

/** Where a matrix comes from. */
export type MatrixSource =
  | { kind: 'file'; file: File }
  | { kind: 'url'; url: string; name: string }
  | { kind: 'generator'; generator: 'poisson2d' | 'poisson3d'; size: number };

/** What the page shows about a loaded matrix. */
export interface MatrixFactsView {
  name: string;
  rows: number;
  cols: number;
  nnz: number;
  numericallySymmetric: boolean;
  patternSymmetric: boolean;
  diagonalSign: string;
  diagonalDominance: string;
  bandwidth: number;
  emptyRows: number;
  missingDiagonal: number;
  /** a guess, not a proof: symmetric with a positive diagonal (what 'auto' reads as SPD-like) */
  spdGuess: string;
}

/** The session's automatic choice for this matrix ('auto' / 'auto') and its reason. */
export interface AutoView {
  method: string;
  precond: string;
  /** SolverSession.choice: "method + precond: reason" */
  choice: string;
  /** set when the automatic session could not be made (e.g. a singular matrix) */
  error?: ErrorView;
}

/** A density image of the pattern: RGBA pixels, one per bin. */
export interface DensityView {
  width: number;
  height: number;
  rgba: Uint8ClampedArray;
  /** the largest number of nonzeros in one bin */
  maxCount: number;
  binMs: number;
}

export interface ErrorView {
  /** the library's error class name (SparseFormatError, FactorizationError, ...) */
  name: string;
  message: string;
  /** 1-based line of a malformed Matrix Market file */
  line?: number;
  /** 0-based row of a failed factorization (FactorizationError) */
  row?: number;
}

export interface SolveSettings {
  method: string;
  precond: string;
  rtol: number;
  atol: number;
  maxIterations: number;
  /** GMRES-type restart length (only sent to methods that take it) */
  restart?: number;
  /** zero or bad pivots of IC(0)/ILU(0)/ILUT/Jacobi: 'shift' (the library's default) or 'error' */
  pivot: 'shift' | 'error';
}

/** The numbers of a finished solve the page shows (SolveResult without the session's internals). */
export interface SolveView {
  method: string;
  precond: string;
  converged: boolean;
  reason: string;
  detail?: string;
  iterations: number;
  relativeResidual: number;
  residualNorm: number;
  residualKind: string;
  history: number[];
  setupMs: number;
  solveMs: number;
  /** wall time seen by the worker around the whole solve call */
  wallMs: number;
  x: Float64Array;
}

export interface SequenceSettings {
  source:
    | { kind: 'varcoef'; N: number; count: number }
    | { kind: 'wind'; N: number; count: number }
    | { kind: 'files'; files: File[] };
  method: string;
  precond: string;
  recycle: number;
  rtol: number;
  initialGuess: 'zero' | 'previous' | 'galerkin';
  /** generated sweeps: give the systems in a seeded random order (sorting then has an order to find) */
  shuffle: boolean;
}

/** One run of a sequence: iterations per system in input order, and totals. */
export interface SequenceRunView {
  label: string;
  sort: 'none' | 'greedy';
  recycle: number;
  iterations: number[];
  converged: boolean[];
  order: number[];
  totals: { systems: number; converged: number; iterations: number; setupMs: number; solveMs: number; sortMs: number; totalMs: number };
}

export type Request =
  | { type: 'load'; id: number; source: MatrixSource; densitySize: number }
  | { type: 'format'; id: number; x: Float64Array; comment: string }
  | { type: 'sequence'; id: number; settings: SequenceSettings };

export type Reply =
  | { type: 'ready'; simd: boolean }
  | { type: 'loaded'; id: number; facts: MatrixFactsView; auto: AutoView; density: DensityView; matrix: CsrData; b: Float64Array; loadMs: number }
  | { type: 'formatted'; id: number; blob: Blob }
  | { type: 'sequence-progress'; id: number; run: number; label: string; index: number; iterations: number; converged: boolean }
  | { type: 'sequence-run'; id: number; run: SequenceRunView }
  | { type: 'sequence-done'; id: number }
  | { type: 'error'; id: number; error: ErrorView };
