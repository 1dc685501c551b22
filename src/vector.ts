import { DimensionMismatchError, InvalidArgumentError, NonFiniteValueError } from './errors.js';
import { WasmResource } from './runtime/resource.js';
import { getRuntime, type SparseRuntime } from './runtime/runtime.js';

/**
 * Throws InvalidArgumentError unless `v` is an array or a numeric typed array (BigInt arrays and
 * strings are refused: their elements are not numbers).
 * @internal
 */
export function checkVectorArray(v: unknown, what: string): asserts v is ArrayLike<number> {
  const ok = v != null && typeof v === 'object' && typeof (v as ArrayLike<number>).length === 'number'
    && !(v instanceof DataView) && !(typeof BigInt64Array !== 'undefined' && (v instanceof BigInt64Array || v instanceof BigUint64Array));
  if (!ok) throw new InvalidArgumentError(`${what} must be a Float64Array, an array of numbers or a DenseVector`);
}

/**
 * Throws NonFiniteValueError naming the first entry of `v` that is not a finite number (a string,
 * undefined, NaN, Infinity), as matrix input is checked. Integer typed arrays pass without a scan.
 * @internal
 */
export function checkFiniteEntries(v: ArrayLike<number>, what: string): void {
  if (ArrayBuffer.isView(v) && !(v instanceof Float64Array || v instanceof Float32Array)) return;
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (typeof x !== 'number' || !Number.isFinite(x)) {
      throw new NonFiniteValueError(`${what}[${i}] = ${typeof x === 'string' ? JSON.stringify(x) : String(x)} is not a finite number`);
    }
  }
}

/**
 * A float64 vector stored in wasm memory, so kernels use it without copying. `data` is a typed
 * view that is re-derived whenever wasm memory has grown; do not keep it across allocations.
 * `from()` accepts finite numbers only, as every copied vector input is checked; what is written
 * through `data` is used as it is (kernels take DenseVectors in place, without a check pass).
 */
export class DenseVector extends WasmResource {
  readonly length: number;
  readonly ptr: number;
  private view: Float64Array | undefined;

  private constructor(runtime: SparseRuntime, length: number) {
    super(runtime);
    if (!Number.isInteger(length) || length < 0 || length > 0x7fffffff) {
      throw new InvalidArgumentError(`vector length must be a non-negative int32, got ${length}`);
    }
    this.length = length;
    this.ptr = this.own(runtime.alloc(length * 8));
  }

  /** A vector of `length` zeros. */
  static zeros(length: number, options: { runtime?: SparseRuntime } = {}): DenseVector {
    const v = new DenseVector(getRuntime(options.runtime), length);
    v.data.fill(0);
    return v;
  }

  /** A vector holding a copy of `values` (finite numbers; NonFiniteValueError names the first other entry). */
  static from(values: ArrayLike<number>, options: { runtime?: SparseRuntime } = {}): DenseVector {
    checkVectorArray(values, 'values');
    checkFiniteEntries(values, 'values');
    const v = new DenseVector(getRuntime(options.runtime), values.length);
    v.data.set(values);
    return v;
  }

  /** Live view into wasm memory (valid until the next allocation that grows memory). */
  get data(): Float64Array {
    this.alive('DenseVector');
    const buf = this.runtime.memory.buffer;
    if (!this.view || this.view.buffer !== buf) this.view = new Float64Array(buf, this.ptr, this.length);
    return this.view;
  }

  /** A copy as a plain Float64Array. */
  toArray(): Float64Array {
    return this.data.slice();
  }

  /** Throws unless this vector is alive and has the given length (used by kernels' callers). */
  check(length: number, what: string, runtime: SparseRuntime): number {
    this.alive(`DenseVector (${what})`);
    if (this.runtime !== runtime) throw new InvalidArgumentError(`${what} belongs to another sparse-wasm runtime`);
    if (this.length !== length) throw new DimensionMismatchError(`${what} has length ${this.length}, expected ${length}`);
    return this.ptr;
  }

  override dispose(): void {
    this.view = undefined;
    super.dispose();
  }
}

/** A vector argument: a wasm-resident DenseVector (no copy) or a plain array (copied in). */
export type VectorLike = DenseVector | Float64Array | ArrayLike<number>;

/**
 * Pointer to `v`'s data in wasm memory, copying a plain array into scratch slot `slot`. Copied
 * input must hold finite numbers, as matrix input does (NonFiniteValueError names the first bad
 * index): plain arrays are checked in JS (where a string would otherwise become NaN or a number),
 * float typed arrays by one wasm pass over the copy. DenseVector operands are wasm-resident and
 * used in place, unchecked (IEEE NaN/Inf propagation).
 * @internal
 */
export function vectorIn(rt: SparseRuntime, v: VectorLike, n: number, slot: number, what: string): number {
  if (v instanceof DenseVector) return v.check(n, what, rt);
  checkVectorArray(v, what);
  if (v.length !== n) throw new DimensionMismatchError(`${what} has length ${v.length}, expected ${n}`);
  const typed = ArrayBuffer.isView(v);
  if (!typed) checkFiniteEntries(v, what);
  const ptr = rt.scratchPtr(slot, n * 8);
  rt.f64(ptr, n).set(v);
  if (typed && !rt.kernels.allFiniteScaled(n, 1, ptr)) checkFiniteEntries(v, what);
  return ptr;
}
