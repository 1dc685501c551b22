/**
 * Base class of every error this library throws on purpose. `name` is the class's name, set on
 * each prototype by nameErrors below, from a string, because minifiers rename classes (a
 * `new.target.name` reads "s" in a minified bundle).
 */
export class SparseError extends Error {
  constructor(message: string) {
    super(message);
    // a subclass declared elsewhere without nameErrors still gets a name (its class name)
    if (!Object.prototype.hasOwnProperty.call(new.target.prototype, 'name')) this.name = new.target.name;
  }
}

/** Malformed input text (Matrix Market) or arrays (CSR/COO); `line` is 1-based where known. */
export class SparseFormatError extends SparseError {
  /** 1-based line number in the input where the problem was found, or undefined. */
  readonly line: number | undefined;
  constructor(message: string, line?: number) {
    super(line !== undefined ? `line ${line}: ${message}` : message);
    this.line = line;
  }
}

/** Shapes that do not fit together (A is m x n but x has length k, ...). */
export class DimensionMismatchError extends SparseError {}

/** An argument that is out of its valid range or of the wrong kind. */
export class InvalidArgumentError extends SparseError {}

/** A value that must be finite is NaN or infinite; names where. */
export class NonFiniteValueError extends SparseError {}

/** Wasm memory cannot hold the request; the module stays usable. */
export class WasmMemoryError extends SparseError {}

/** The runtime lacks a feature the build needs (e.g. WebAssembly SIMD). */
export class WasmUnsupportedError extends SparseError {}

/**
 * A threaded kernel call failed on one of the runtime's worker threads (a wasm trap there).
 * The whole team finished the call before it was reported, so the runtime stays usable.
 */
export class ThreadError extends SparseError {}

/**
 * The wasm module could not be loaded: an HTTP error status, a network failure, a missing file,
 * or bytes that are not a WebAssembly module (e.g. an HTML error page). Not an engine limitation.
 */
export class WasmLoadError extends SparseError {
  /** the URL (or file URL) that was requested, when there was one */
  readonly url: string | undefined;
  /** the HTTP status of the failed response; undefined for network and file errors */
  readonly status: number | undefined;
  constructor(message: string, options: { url?: string; status?: number; cause?: unknown } = {}) {
    super(message);
    this.url = options.url;
    this.status = options.status;
    if (options.cause !== undefined) this.cause = options.cause;
  }
}

/** An object was used after `dispose()`. */
export class DisposedError extends SparseError {}

/**
 * A call that would interfere with a call in progress on the same object: e.g. `solve()` or
 * `update()` of a SolverSession from inside its own solve (onIteration, a preconditioner function).
 */
export class ReentrancyError extends SparseError {}

/**
 * A factorization cannot proceed: a zero or non-positive pivot (IC), a zero pivot (ILU) with
 * shifting disabled, a structurally or numerically singular matrix (LU). `row` is the 0-based row
 * where it happened (-1 when a column is meant); `column` (0-based, of A) and `reason` say more
 * where the factorization knows them.
 */
export class FactorizationError extends SparseError {
  readonly row: number;
  /**
   * the 0-based column of the failing pivot where the factorization knows it (the row otherwise;
   * -1 when only a row is meant, e.g. LU's empty row)
   */
  readonly column: number;
  /** the offending pivot value, where known */
  readonly value: number | undefined;
  /** why (LU): 'empty-row', 'empty-column', 'structurally-singular', 'zero-pivot', 'not-finite' (undefined: see the message) */
  readonly reason: string | undefined;
  constructor(message: string, row: number, details: { column?: number; value?: number; reason?: string } = {}) {
    super(message);
    this.row = row;
    this.column = details.column ?? row;
    this.value = details.value;
    this.reason = details.reason;
  }
}

/** A preconditioner was built for other matrix values (or pattern) than the ones it is applied with. */
export class StalePreconditionerError extends SparseError {}

/**
 * A preconditioner (or a symbolic analysis) is used with a matrix of another sparsity pattern than
 * the one it was analysed for; the numeric update cannot reuse it: analyse the new pattern.
 */
export class PatternMismatchError extends StalePreconditionerError {}

/**
 * A preconditioner whose last factorization threw was applied: its factors are incomplete. Not
 * stale (the values did not change since): update it with other values or build a new one.
 * `cause` is the error the factorization threw.
 */
export class FactorizationFailedError extends SparseError {
  constructor(message: string, cause?: unknown) {
    super(message);
    if (cause !== undefined) this.cause = cause;
  }
}

/**
 * The matrix is structurally singular (a row or a column has no stored entry) where the method
 * needs a nonsingular one. `kind` and `index` (0-based) name the first empty row or column.
 */
export class SingularMatrixError extends SparseError {
  readonly kind: 'row' | 'column';
  readonly index: number;
  constructor(message: string, kind: 'row' | 'column', index: number) {
    super(message);
    this.kind = kind;
    this.index = index;
  }
}

/**
 * A result would have more nonzeros than int32 indices can address (2^31 - 1). Thrown before
 * anything is written; the module stays usable.
 */
export class IndexOverflowError extends SparseError {}

/**
 * A worker of a SolverPool died (it exited, ran out of memory, or an uncaught error or a wasm trap
 * ended it) while running this task, or the task needs a matrix that was resident only in that
 * worker and has no copy to re-send. The pool replaces the worker and keeps serving.
 */
export class WorkerCrashedError extends SparseError {
  /** the pool's index of the worker that died (its replacement has the same index) */
  readonly worker: number;
  constructor(message: string, worker: number, cause?: unknown) {
    super(message);
    this.worker = worker;
    if (cause !== undefined) this.cause = cause;
  }
}

/** A SolverPool's queue is full (`maxQueue` tasks wait) and the pool was made with `queueFull: 'reject'`. */
export class QueueFullError extends SparseError {}

/** A task was given to a SolverPool after close() or terminate(), or was still queued when terminate() ran. */
export class PoolClosedError extends SparseError {}

/**
 * A pool solve was stopped by terminating its worker: without SharedArrayBuffer (a page that is
 * not crossOriginIsolated) a running solve cannot be told to stop, so there is no partial result.
 */
export class SolveAbortedError extends SparseError {}

/**
 * Sets `name` on each class's prototype to its key: `nameErrors({ MyError })` names MyError
 * "MyError" in a minified bundle too (object keys are strings, which minifiers keep). Every class
 * of this file is named here; a test checks that none is left out.
 */
export function nameErrors(classes: Record<string, abstract new (...args: never[]) => Error>): void {
  for (const [name, cls] of Object.entries(classes)) {
    // like Error.prototype.name: writable, not enumerable
    Object.defineProperty(cls.prototype, 'name', { value: name, writable: true, enumerable: false, configurable: true });
  }
}

nameErrors({
  SparseError,
  SparseFormatError,
  DimensionMismatchError,
  InvalidArgumentError,
  NonFiniteValueError,
  WasmMemoryError,
  WasmUnsupportedError,
  WasmLoadError,
  ThreadError,
  DisposedError,
  ReentrancyError,
  FactorizationError,
  StalePreconditionerError,
  PatternMismatchError,
  FactorizationFailedError,
  SingularMatrixError,
  IndexOverflowError,
  WorkerCrashedError,
  QueueFullError,
  PoolClosedError,
  SolveAbortedError,
});
