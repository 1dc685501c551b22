// The package's main entry (`sparse-wasm`): the whole API, with init() and createRuntime() loading
// the wasm files shipped in build/ (read in Node, fetched in browsers, emitted by bundlers).
// It shadows index.ts's init/createRuntime, whose default URL bundlers cannot see (runtime.ts).
import { createSolverPoolWith, type SolverPool, type SolverPoolOptions } from './pool/pool.js';
import { createRuntimeWith, initWith, type InitOptions, type SparseRuntime } from './runtime/runtime.js';
import { wasmUrl } from './runtime/wasm-url.js';

export * from './index.js';

/**
 * Loads the wasm module once and makes it the default runtime for every object created without
 * an explicit `runtime` option. Calling it again returns the same runtime. Without `source` it
 * loads build/sparse.wasm (or build/sparse-scalar.wasm on engines without SIMD) next to the package.
 */
export function init(options: InitOptions = {}): Promise<SparseRuntime> {
  return initWith(options, wasmUrl);
}

/** Loads and instantiates a new runtime (independent memory). Most users call `init()` instead. */
export function createRuntime(options: InitOptions = {}): Promise<SparseRuntime> {
  return createRuntimeWith(options, wasmUrl);
}

/**
 * Starts a pool of workers, each with its own wasm instance (see SolverPoolOptions); the wasm is
 * compiled once here and sent to every worker. Resolves when all are ready.
 */
export function createSolverPool(options: SolverPoolOptions = {}): Promise<SolverPool> {
  return createSolverPoolWith(options, wasmUrl);
}
