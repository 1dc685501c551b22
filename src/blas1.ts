import { DimensionMismatchError, InvalidArgumentError, NonFiniteValueError } from './errors.js';
import { getRuntime, Scratch, type SparseRuntime } from './runtime/runtime.js';
import { checkVectorArray, DenseVector, vectorIn, type VectorLike } from './vector.js';

// BLAS-1 on wasm-resident vectors. DenseVector arguments are used in place; plain arrays are
// copied into scratch wasm memory (correct, but the copies cost more than the kernels: keep hot
// vectors in DenseVector).

function runtimeOf(a: VectorLike, b?: VectorLike): SparseRuntime {
  if (a instanceof DenseVector) return a.runtime;
  if (b instanceof DenseVector) return b.runtime;
  return getRuntime();
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
  const px = vectorIn(rt, x, n, Scratch.vectorX, 'x');
  const py = vectorIn(rt, y, n, Scratch.vectorY, 'y');
  return rt.kernels.dot(n, px, py);
}

/** ||x||_2, computed without overflow or underflow of intermediate squares. */
export function norm2(x: VectorLike): number {
  const rt = runtimeOf(x);
  const n = lengthOf(x, 'x');
  return rt.kernels.nrm2(n, vectorIn(rt, x, n, Scratch.vectorX, 'x'));
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
  const px = vectorIn(rt, x, n, Scratch.vectorX, 'x');
  const py = vectorIn(rt, y, n, Scratch.vectorY, 'y');
  rt.kernels.axpy(n, alpha, px, py);
  writeBack(rt, y, py, n);
  return y;
}

/** x = alpha x (in place; returns x). */
export function scale<T extends VectorLike>(alpha: number, x: T): T {
  scalar(alpha, 'alpha');
  const rt = runtimeOf(x);
  const n = lengthOf(x, 'x');
  const px = vectorIn(rt, x, n, Scratch.vectorX, 'x');
  rt.kernels.scal(n, alpha, px);
  writeBack(rt, x, px, n);
  return x;
}

/** y = x (returns y). */
export function copy<T extends VectorLike>(x: VectorLike, y: T): T {
  const rt = runtimeOf(x, y);
  const n = lengthOf(y, 'y');
  if (lengthOf(x, 'x') !== n) throw new DimensionMismatchError(`x has length ${x.length}, y has length ${n}`);
  if (x instanceof DenseVector && y instanceof DenseVector) {
    if (x !== y) rt.kernels.copy(n, x.check(n, 'x', rt), y.check(n, 'y', rt));
    return y;
  }
  const px = vectorIn(rt, x, n, Scratch.vectorX, 'x');
  if (y instanceof DenseVector) rt.kernels.copy(n, px, y.check(n, 'y', rt));
  else writeBack(rt, y, px, n);
  return y;
}
