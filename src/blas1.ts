import { DimensionMismatchError, InvalidArgumentError, NonFiniteValueError } from './errors.js';
import { getRuntime, type SparseRuntime } from './runtime/runtime.js';
import { checkFiniteEntries, checkVectorArray, DenseVector, type VectorLike } from './vector.js';

// BLAS-1 on wasm-resident vectors. DenseVector arguments are used in place; plain arrays are
// copied into scratch wasm memory (correct, but the copies cost more than the kernels: keep hot
// vectors in DenseVector).

function runtimeOf(a: VectorLike, b?: VectorLike): SparseRuntime {
  if (a instanceof DenseVector) return a.runtime;
  if (b instanceof DenseVector) return b.runtime;
  return getRuntime();
}


/**
 * Pointer to `v`'s data in wasm memory, copying a plain array into scratch slot `slot`. Copied
 * input must hold finite numbers, as matrix input does (NonFiniteValueError names the first bad
 * index): plain arrays are checked in JS (where a string would otherwise become NaN or a number),
 * float typed arrays by one wasm pass over the copy. DenseVector operands are wasm-resident and
 * used in place, unchecked (IEEE NaN/Inf propagation).
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

function lengthOf(v: VectorLike, what: string): number {
  if (v instanceof DenseVector) return v.length;
  checkVectorArray(v, what);
  return v.length;
}

function scalar(alpha: unknown, what: string): number {
  if (typeof alpha !== 'number' || !Number.isFinite(alpha)) throw new NonFiniteValueError(`${what} must be a finite number, got ${String(alpha)}`);
  return alpha;
}

/** x . y */
export function dot(x: VectorLike, y: VectorLike): number {
  const rt = runtimeOf(x, y);
  const n = lengthOf(x, 'x');
  const px = vectorIn(rt, x, n, 0, 'x');
  const py = vectorIn(rt, y, n, 1, 'y');
  return rt.exports.dot(n, px, py);
}

/** ||x||_2, computed without overflow or underflow of intermediate squares. */
export function norm2(x: VectorLike): number {
  const rt = runtimeOf(x);
  const n = lengthOf(x, 'x');
  return rt.exports.nrm2(n, vectorIn(rt, x, n, 0, 'x'));
}

/** Writes a scratch result back into a plain output array. */
function writeBack(rt: SparseRuntime, out: VectorLike, ptr: number, n: number): void {
  if (out instanceof DenseVector) return;
  const src = rt.f64(ptr, n);
  if (out instanceof Float64Array) out.set(src);
  else {
    const o = out as unknown as { [i: number]: number };
    for (let i = 0; i < n; i++) o[i] = src[i];
  }
}

/** y = alpha x + y (y is updated in place and returned). */
export function axpy<T extends VectorLike>(alpha: number, x: VectorLike, y: T): T {
  scalar(alpha, 'alpha');
  const rt = runtimeOf(x, y);
  const n = lengthOf(y, 'y');
  const px = vectorIn(rt, x, n, 0, 'x');
  const py = vectorIn(rt, y, n, 1, 'y');
  rt.exports.axpy(n, alpha, px, py);
  writeBack(rt, y, py, n);
  return y;
}

/** x = alpha x (in place; returns x). */
export function scale<T extends VectorLike>(alpha: number, x: T): T {
  scalar(alpha, 'alpha');
  const rt = runtimeOf(x);
  const n = lengthOf(x, 'x');
  const px = vectorIn(rt, x, n, 0, 'x');
  rt.exports.scal(n, alpha, px);
  writeBack(rt, x, px, n);
  return x;
}

/** y = x (returns y). */
export function copy<T extends VectorLike>(x: VectorLike, y: T): T {
  const rt = runtimeOf(x, y);
  const n = lengthOf(y, 'y');
  if (lengthOf(x, 'x') !== n) throw new DimensionMismatchError(`x has length ${x.length}, y has length ${n}`);
  if (x instanceof DenseVector && y instanceof DenseVector) {
    if (x !== y) rt.exports.copy(n, x.check(n, 'x', rt), y.check(n, 'y', rt));
    return y;
  }
  const px = vectorIn(rt, x, n, 0, 'x');
  if (y instanceof DenseVector) rt.exports.copy(n, px, y.check(n, 'y', rt));
  else writeBack(rt, y, px, n);
  return y;
}
