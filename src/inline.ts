// The `sparse-wasm/inline` entry: the whole API, with both wasm builds inlined as base64 so that no
// .wasm file has to be served or emitted. init() and createRuntime() default to the inlined build
// that fits the engine. It never imports runtime/wasm-url.ts, so a bundler sees no .wasm reference.
import { createSolverPoolWith, type SolverPool, type SolverPoolOptions } from './pool/pool.js';
import { createRuntimeWith, initWith, type InitOptions, type SparseRuntime, type WasmBuild } from './runtime/runtime.js';
import { simdWasm, scalarWasm, threadsWasm } from './inline-wasm.js';

export * from './index.js';
export { simdWasm, scalarWasm, threadsWasm };

const inlined = (build: WasmBuild | 'threads') => (build === 'simd' ? simdWasm : build === 'threads' ? threadsWasm : scalarWasm);

/**
 * Loads the wasm module once and makes it the default runtime for every object created without
 * an explicit `runtime` option. Calling it again returns the same runtime. Without `source` it
 * compiles the inlined SIMD build (the scalar one on engines without SIMD).
 */
export function init(options: InitOptions = {}): Promise<SparseRuntime> {
  return initWith(options, inlined);
}

/** Loads and instantiates a new runtime (independent memory). Most users call `init()` instead. */
export function createRuntime(options: InitOptions = {}): Promise<SparseRuntime> {
  return createRuntimeWith(options, inlined);
}

/**
 * Starts a pool of workers, each with its own wasm instance (see SolverPoolOptions); the wasm is
 * compiled once here and sent to every worker. Resolves when all are ready.
 */
export function createSolverPool(options: SolverPoolOptions = {}): Promise<SolverPool> {
  return createSolverPoolWith(options, inlined);
}
