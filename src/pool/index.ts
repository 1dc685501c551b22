// The worker pool: createSolverPool and its parts.
import { defaultWasmSource } from '../runtime/runtime.js';
import { createSolverPoolWith, type SolverPool, type SolverPoolOptions } from './pool.js';

export { SolverPool, PoolMatrix, createSolverPoolWith } from './pool.js';
export type { SolverPoolOptions, LoadOptions, PoolSolveOptions, PoolProgress, PoolMatrixSource, PoolChunk, PoolChunkOptions, WorkerStats } from './pool.js';

/**
 * Starts a pool of workers (Node worker threads, browser module Web Workers), each with its own
 * wasm instance, and resolves when all are ready. The wasm is compiled once here and sent to the
 * workers. (The package entries `sparse-wasm` and `sparse-wasm/inline` export this with their own
 * default wasm.)
 */
export function createSolverPool(options: SolverPoolOptions = {}): Promise<SolverPool> {
  return createSolverPoolWith(options, defaultWasmSource);
}
