import { WasmMemoryError, WasmUnsupportedError, WasmLoadError, InvalidArgumentError } from '../errors.js';
import type { Kernels } from './kernels.js';
import { checkOptions, describeValue } from '../options.js';

const PAGE = 65536;

/**
 * The scratch slots of SparseRuntime.scratchPtr, one for each operand that is live at the same
 * time as another; calls that never overlap share a slot.
 */
export const Scratch = {
  /** first vector operand copied in (BLAS-1 x), or a vector result read back at once (diagonal) */
  vectorX: 0,
  /** second vector operand copied in (BLAS-1 y) */
  vectorY: 1,
  /** SpMV input copied in */
  spmvX: 2,
  /** SpMV output (copied out) */
  spmvY: 3,
  /** SpGEMM: i32[n] column marker (symbolic) or position map (numeric, recompute) */
  spgemmMarker: 10,
  /** SpGEMM hash-table keys; the sort keys of sortRows() */
  spgemmKeys: 11,
  /** SpGEMM per-row sort keys (i64); the value buffer of sortRows() */
  spgemmSortKeys: 12,
  /** SpGEMM hash-table values */
  spgemmHashValues: 13,
  /** SpGEMM symbolic statistics */
  spgemmStats: 14,
  /** SpGEMM per-row sort values */
  spgemmSortValues: 15,
  /** flop statistics (spgemmFlops) */
  flops: 16,
  /** the i32[2] of csrBandwidth (bandwidth(), SpGEMM's cache heuristic) */
  bandwidth: 17,
} as const;
/** TLSF's largest block is just under 1 GiB; larger requests are refused up front. */
const MAX_BLOCK = (1 << 30) - 64;

export interface RuntimeStats {
  /** allocations made through this runtime and not yet freed */
  liveAllocations: number;
  liveBytes: number;
  /** current size of the wasm memory */
  memoryBytes: number;
}

/**
 * One instantiated wasm module with its memory. Owns every allocation; objects built on it
 * (matrices, vectors) free theirs through it. Views into memory are made on demand and must be
 * re-made after any call that may allocate (memory.grow detaches the old buffer).
 */
export class SparseRuntime {
  /** The wasm kernels (declared in runtime/kernels.ts). */
  readonly kernels: Kernels;
  /** @deprecated the same object as `kernels` */
  readonly exports: Kernels;
  readonly memory: WebAssembly.Memory;
  /** true when the SIMD build is loaded, false for the scalar fallback */
  readonly simd: boolean;
  private readonly live = new Map<number, number>();
  private liveBytes = 0;
  /** scratch buffers for copying plain typed arrays in and out of calls, keyed by slot */
  private readonly scratch: ({ ptr: number; bytes: number } | undefined)[] = [];

  /** the most the wasm memory may grow to, in bytes (maximumMemoryMiB; 4 GiB by default) */
  readonly maximumBytes: number;

  /**
   * `kernels` replaces the instance's exports as the kernel table (the threads build passes one
   * whose large calls run on its thread team, runtime/threads.ts).
   */
  constructor(instance: WebAssembly.Instance, memory: WebAssembly.Memory, maximumBytes = 2 ** 32, kernels?: Kernels) {
    this.kernels = this.exports = kernels ?? (instance.exports as unknown as Kernels);
    this.memory = memory;
    this.maximumBytes = maximumBytes;
    this.simd = this.kernels.simdEnabled() === 1;
  }

  /** Threads that run the large kernel calls: 1 here; a ThreadedRuntime's team size. */
  get threads(): number {
    return 1;
  }

  /** Allocates `bytes` (16-byte aligned). Throws WasmMemoryError if memory cannot hold it. */
  alloc(bytes: number): number {
    if (!Number.isFinite(bytes) || bytes < 0) throw new InvalidArgumentError(`cannot allocate ${bytes} bytes`);
    if (bytes > MAX_BLOCK) {
      throw new WasmMemoryError(
        `cannot allocate ${formatBytes(bytes)} in wasm memory: one block is limited to 1 GiB (the matrix or vector is too large for 32-bit WebAssembly)`,
      );
    }
    let ptr: number;
    try {
      ptr = this.kernels.alloc(Math.max(16, bytes)) >>> 0;
    } catch (e) {
      // TLSF traps only after memory.grow failed, before it changed any state: the heap is intact.
      throw new WasmMemoryError(
        `out of wasm memory allocating ${formatBytes(bytes)} (memory is ${formatBytes(this.memory.buffer.byteLength)}, ` +
          `${formatBytes(this.liveBytes)} in use)`,
      );
    }
    this.live.set(ptr, bytes);
    this.liveBytes += bytes;
    return ptr;
  }

  free(ptr: number): void {
    const bytes = this.live.get(ptr);
    if (bytes === undefined) return; // double free is a no-op: dispose() is idempotent
    this.live.delete(ptr);
    this.liveBytes -= bytes;
    this.kernels.free(ptr);
  }

  stats(): RuntimeStats {
    return { liveAllocations: this.live.size, liveBytes: this.liveBytes, memoryBytes: this.memory.buffer.byteLength };
  }

  f64(ptr: number, length: number): Float64Array {
    return new Float64Array(this.memory.buffer, ptr, length);
  }

  i32(ptr: number, length: number): Int32Array {
    return new Int32Array(this.memory.buffer, ptr, length);
  }

  /**
   * A scratch region of at least `bytes`, reused between calls (one `Scratch` slot for each
   * operand live at the same time). Its contents are undefined; valid until the next scratchPtr()
   * of the slot. If the allocation throws, the slot is empty and the runtime stays consistent.
   */
  scratchPtr(slot: number, bytes: number): number {
    const s = this.scratch[slot];
    if (s && s.bytes >= bytes) return s.ptr;
    if (s) {
      this.free(s.ptr);
      // forget the freed block before allocating: if the allocation throws, the slot must not
      // hand out memory TLSF may reuse
      this.scratch[slot] = undefined;
    }
    // grow geometrically so a sequence of growing calls does not reallocate every time
    const size = Math.max(bytes, s ? Math.min(MAX_BLOCK, s.bytes * 2) : 0, 256);
    const ptr = this.alloc(size);
    this.scratch[slot] = { ptr, bytes: size };
    return ptr;
  }

  /** Frees the scratch buffers (they are recreated on demand). */
  releaseScratch(): void {
    for (const s of this.scratch) if (s) this.free(s.ptr);
    this.scratch.length = 0;
  }
}

function formatBytes(b: number): string {
  if (b >= 2 ** 30) return `${(b / 2 ** 30).toFixed(2)} GiB`;
  if (b >= 2 ** 20) return `${(b / 2 ** 20).toFixed(1)} MiB`;
  return `${b} bytes`;
}

/** Where the wasm comes from: bytes, a compiled module, a Response (or its promise), or a URL. */
export type WasmSource = BufferSource | WebAssembly.Module | Response | PromiseLike<Response> | URL | string;

/** The two single-thread wasm builds: with WebAssembly SIMD, and the scalar fallback. */
export type WasmBuild = 'simd' | 'scalar';

/** Gives the wasm of a build when the caller passed no `source` (each entry point has its own). */
export type DefaultWasmSource = (build: WasmBuild | 'threads') => WasmSource;

export interface InitOptions {
  /**
   * The wasm to load. Default: the `sparse-wasm` entry loads build/sparse.wasm (or
   * sparse-scalar.wasm) next to the package (read in Node, fetched in a browser);
   * the `sparse-wasm/inline` entry uses its inlined bytes.
   */
  source?: WasmSource;
  /** 'auto' (default) picks SIMD when the engine supports it, else the scalar build. */
  build?: 'auto' | WasmBuild;
  /**
   * Initial wasm memory in MiB. Every memory.grow makes all JS typed-array code in the process
   * slower (V8 deoptimises after an ArrayBuffer detach), so start large: reserving costs nothing
   * until touched. Default 512 in Node, 64 elsewhere.
   */
  initialMemoryMiB?: number;
  /** Upper bound in MiB (default 4096, the wasm32 limit). */
  maximumMemoryMiB?: number;
  /**
   * Run large kernel calls (SpMV, BLAS-1, the vector updates of the Krylov loops) on this many
   * threads over one shared memory: the threads build (build/sparse-threads.wasm) and threads - 1
   * workers. Available in Node and in cross-origin isolated pages; elsewhere the runtime falls
   * back to the single-thread build (its `threads` is then 1). With `source`, the source must be
   * the threads build and there is no fallback. Default: no threads (the single-thread build).
   */
  threads?: number;
  /** with `threads`: calls on fewer elements (vector length, rows + nonzeros) stay on the calling thread (default 100000) */
  parallelThreshold?: number;
}

// (module (func (result v128) v128.const i32x4 0 0 0 0))
const SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 22, 1, 20, 0, 253, 12,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 11,
]);

/** true when this engine supports WebAssembly fixed-width SIMD. */
export function simdSupported(): boolean {
  try {
    return WebAssembly.validate(SIMD_PROBE);
  } catch {
    return false;
  }
}

const isNode = typeof process !== 'undefined' && !!(process as { versions?: { node?: string } }).versions?.node;

// Kept out of the `new URL('literal', import.meta.url)` form on purpose: bundlers treat that form
// as an asset reference and would emit both .wasm files into every app, including apps that use
// the inlined bytes. Bundled apps get their URL from runtime/wasm-url.ts (the package's main entry);
// this fallback serves unbundled use (Node, the CLI, dist/index.js served as is).
const moduleUrl = import.meta.url;
function fallbackSource(build: WasmBuild | 'threads'): URL {
  // this file is src/runtime/*.ts or dist/runtime/*.js: the build folder is two levels up
  const file = build === 'simd' ? 'sparse.wasm' : build === 'threads' ? 'sparse-threads.wasm' : 'sparse-scalar.wasm';
  return new URL('../../build/' + file, moduleUrl);
}

function isSource(v: unknown): v is WasmSource {
  return (
    typeof v === 'string' ||
    v instanceof URL ||
    v instanceof ArrayBuffer ||
    ArrayBuffer.isView(v) ||
    v instanceof WebAssembly.Module ||
    (typeof Response !== 'undefined' && v instanceof Response) ||
    (typeof v === 'object' && v !== null && typeof (v as PromiseLike<unknown>).then === 'function')
  );
}

interface CheckedOptions {
  source: WasmSource | undefined;
  build: 'auto' | WasmBuild;
  initMiB: number;
  maxMiB: number;
  threads: number | undefined;
  parallelThreshold: number;
}

/** Most threads a runtime's team may have (the fork/join control block is sized for it). */
export const MAX_THREADS = 64;

const MIB = { kind: 'number', min: 0, max: 4096, minOpen: true } as const;
const INIT_OPTIONS = {
  source: {
    kind: 'custom', test: isSource,
    expected: 'wasm bytes (ArrayBuffer or typed array), a WebAssembly.Module, a Response (or a promise of one), a URL or a URL string',
  },
  build: { kind: 'enum', values: ['auto', 'simd', 'scalar'], default: 'auto' },
  initialMemoryMiB: MIB,
  maximumMemoryMiB: MIB,
  threads: { kind: 'integer', min: 1, max: MAX_THREADS },
  parallelThreshold: { kind: 'integer', min: 0, default: 100_000 },
} as const;

/** Refuses unknown options and values of the wrong kind before anything is loaded. */
function checkInitOptions(options: InitOptions): CheckedOptions {
  const { source, build, initialMemoryMiB, maximumMemoryMiB, threads, parallelThreshold } = checkOptions('init', options, INIT_OPTIONS);
  if (threads !== undefined && build === 'scalar') {
    throw new InvalidArgumentError('init: option threads needs the SIMD threads build; build "scalar" has no threads');
  }
  if (initialMemoryMiB !== undefined && maximumMemoryMiB !== undefined && initialMemoryMiB > maximumMemoryMiB) {
    throw new InvalidArgumentError(
      `init: option initialMemoryMiB (${initialMemoryMiB}) is larger than maximumMemoryMiB (${maximumMemoryMiB})`,
    );
  }
  const maxMiB = maximumMemoryMiB ?? 4096;
  // the default initial size yields to an explicit smaller maximum
  const initMiB = initialMemoryMiB ?? Math.min(isNode ? 512 : 64, maxMiB);
  return { source, build, initMiB, maxMiB, threads, parallelThreshold };
}

const WASM_MAGIC = [0x00, 0x61, 0x73, 0x6d];

/** Compiles bytes, telling apart "this is not wasm" (e.g. an HTML error page) from a compile failure. */
async function compileBytes(bytes: BufferSource, where: string, url?: string): Promise<WebAssembly.Module> {
  const view = bytes instanceof ArrayBuffer ? new Uint8Array(bytes) : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.length < 4 || WASM_MAGIC.some((b, i) => view[i] !== b)) {
    const head = Array.from(view.subarray(0, 16), (c) => (c >= 32 && c < 127 ? String.fromCharCode(c) : '.')).join('');
    throw new WasmLoadError(`${where} is not a WebAssembly module (${view.length} bytes, starting "${head}")`, { url });
  }
  try {
    return await WebAssembly.compile(bytes);
  } catch (e) {
    throw new WasmLoadError(`cannot compile the WebAssembly module from ${where}: ${(e as Error).message}`, { url, cause: e });
  }
}

async function compileResponse(response: Response, url: string | undefined): Promise<WebAssembly.Module> {
  if (typeof response !== 'object' || response === null || typeof response.arrayBuffer !== 'function') {
    throw new InvalidArgumentError(`init option "source" resolved to ${describeValue(response)}, not a Response`);
  }
  const where = url || response.url || 'the given Response';
  if (!response.ok) {
    const text = `${response.status}${response.statusText ? ' ' + response.statusText : ''}`;
    throw new WasmLoadError(`cannot fetch the wasm module: HTTP ${text} from ${where}`, { url: where, status: response.status });
  }
  if (typeof WebAssembly.compileStreaming === 'function' && response.headers.get('content-type') === 'application/wasm') {
    try {
      return await WebAssembly.compileStreaming(response);
    } catch (e) {
      throw new WasmLoadError(`cannot compile the WebAssembly module from ${where}: ${(e as Error).message}`, { url: where, cause: e });
    }
  }
  let bytes: ArrayBuffer;
  try {
    bytes = await response.arrayBuffer();
  } catch (e) {
    throw new WasmLoadError(`cannot read the wasm module from ${where}: ${(e as Error).message}`, { url: where, cause: e });
  }
  return compileBytes(bytes, where, where);
}

async function compile(source: WasmSource): Promise<WebAssembly.Module> {
  if (source instanceof WebAssembly.Module) return source;
  if (source instanceof ArrayBuffer || ArrayBuffer.isView(source)) return compileBytes(source as BufferSource, 'the given bytes');
  if (typeof source === 'string' || source instanceof URL) {
    let url: URL;
    try {
      url = typeof source === 'string' ? new URL(source, isNode ? `file://${process.cwd()}/` : globalThis.location?.href) : source;
    } catch {
      throw new InvalidArgumentError(`init option "source" is not a valid URL: ${describeValue(source)}`);
    }
    if (isNode && url.protocol === 'file:') {
      const fs = await import(/* @vite-ignore */ 'node:fs/promises');
      let bytes: Uint8Array<ArrayBuffer>;
      try {
        bytes = await fs.readFile(url);
      } catch (e) {
        const code = (e as { code?: string }).code;
        throw new WasmLoadError(`cannot read the wasm module ${url.href}: ${code ?? (e as Error).message}`, { url: url.href, cause: e });
      }
      return compileBytes(bytes, url.href, url.href);
    }
    let response: Response;
    try {
      response = await fetch(url);
    } catch (e) {
      // fetch rejects only on network failure (refused connection, DNS, CORS, offline)
      throw new WasmLoadError(`cannot fetch the wasm module from ${url.href}: network error (${(e as Error).message})`, {
        url: url.href,
        cause: e,
      });
    }
    return compileResponse(response, url.href);
  }
  let response: Response;
  try {
    response = await source;
  } catch (e) {
    throw new WasmLoadError(`cannot fetch the wasm module: the Response promise was rejected (${(e as Error)?.message ?? e})`, { cause: e });
  }
  return compileResponse(response, undefined);
}

/**
 * Compiles the wasm module `createRuntimeWith(options, defaultSource)` would instantiate, without
 * instantiating it: a worker pool compiles once and posts the module to each worker.
 */
export async function compileWasmWith(options: InitOptions, defaultSource: DefaultWasmSource): Promise<WebAssembly.Module> {
  const { source, build: want } = checkInitOptions(options);
  const hasSimd = simdSupported();
  if (want === 'simd' && !hasSimd) {
    throw new WasmUnsupportedError('this WebAssembly engine does not support SIMD; use build: "scalar" or "auto"');
  }
  const build = want === 'auto' ? (hasSimd ? 'simd' : 'scalar') : want;
  return compile(source ?? defaultSource(build));
}

/** The wasm of unbundled use (Node, the CLI, dist/index.js served as is): build/ next to the package. */
export const defaultWasmSource: DefaultWasmSource = (build) => fallbackSource(build);

/**
 * Loads and instantiates a new runtime, taking the wasm from `defaultSource` when `options.source`
 * is not given. The entry points (`sparse-wasm`, `sparse-wasm/inline`) wrap this with their default.
 */
export async function createRuntimeWith(options: InitOptions, defaultSource: DefaultWasmSource): Promise<SparseRuntime> {
  const { source, initMiB, maxMiB, threads, parallelThreshold } = checkInitOptions(options);
  if (threads !== undefined) {
    // loaded on demand: single-thread users never load the worker code
    const t = await import('./threads.js');
    const unavailable = t.threadsUnavailableReason();
    if (unavailable === undefined) {
      const module = await compile(source ?? defaultSource('threads'));
      return t.createThreadedRuntime(module, { threads, parallelThreshold, initMiB, maxMiB });
    }
    if (source !== undefined) throw new WasmUnsupportedError(`init: threads are not available (${unavailable}), and a given source has no fallback`);
    // otherwise fall back to the single-thread build below (runtime.threads === 1)
  }
  const module = await compileWasmWith(options, defaultSource);
  const memory = new WebAssembly.Memory({
    initial: Math.ceil((initMiB * 2 ** 20) / PAGE),
    maximum: Math.ceil((maxMiB * 2 ** 20) / PAGE),
  });
  const instance = await WebAssembly.instantiate(module, {
    env: {
      memory,
      abort(msg: number, file: number, line: number, col: number) {
        throw new Error(`sparse-wasm kernel abort at ${line}:${col}`);
      },
    },
  });
  return new SparseRuntime(instance, memory, Math.ceil((maxMiB * 2 ** 20) / PAGE) * PAGE);
}

/** Loads and instantiates a new runtime (independent memory). Most users call `init()` instead. */
export function createRuntime(options: InitOptions = {}): Promise<SparseRuntime> {
  return createRuntimeWith(options, fallbackSource);
}

let defaultRuntime: SparseRuntime | undefined;
let pending: Promise<SparseRuntime> | undefined;

/**
 * Loads the wasm module once and makes it the default runtime for every object created without
 * an explicit `runtime` option. Calling it again returns the same runtime (the options are still
 * checked, but do not reload it).
 */
export function initWith(options: InitOptions, defaultSource: DefaultWasmSource): Promise<SparseRuntime> {
  try {
    checkInitOptions(options);
  } catch (e) {
    return Promise.reject(e);
  }
  if (defaultRuntime) return Promise.resolve(defaultRuntime);
  if (!pending) {
    pending = createRuntimeWith(options, defaultSource).then(
      (rt) => (defaultRuntime = rt),
      (e) => {
        pending = undefined;
        throw e;
      },
    );
  }
  return pending;
}

/** See initWith; the wasm defaults to build/ next to this file (unbundled use: Node, the CLI). */
export function init(options: InitOptions = {}): Promise<SparseRuntime> {
  return initWith(options, fallbackSource);
}

/** The runtime `init()` loaded; throws if `init()` has not finished. */
export function getRuntime(runtime?: SparseRuntime): SparseRuntime {
  const rt = runtime ?? defaultRuntime;
  if (!rt) throw new WasmUnsupportedError('sparse-wasm is not initialised: await init() first');
  return rt;
}
