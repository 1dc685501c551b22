import { InvalidArgumentError } from '../errors.js';
import type { CsrMatrix } from '../matrix/csr.js';
import type { SparseRuntime } from '../runtime/runtime.js';
import type { Preconditioner } from './types.js';
import type { PreconditionerFunction } from '../solvers/types.js';

/**
 * A preconditioner given as a JavaScript function z = M^-1 r. The function receives plain
 * Float64Array copies (never views into wasm memory, which a function that itself uses this
 * library could detach by growing memory), so it is safe but costs two copies per apply.
 */
export class FunctionPreconditioner implements Preconditioner {
  readonly name = 'user' as const;
  readonly info: Record<string, number | string | boolean> = {};
  private readonly rBuf: Float64Array;
  private readonly zBuf: Float64Array;

  constructor(
    readonly runtime: SparseRuntime,
    readonly n: number,
    private readonly fn: PreconditionerFunction,
    /** declared by the user: M is SPD (CG and MINRES check r.z > 0 anyway) */
    readonly symmetric = true,
  ) {
    if (typeof fn !== 'function') throw new InvalidArgumentError('a preconditioner function must be a function (r, z) => void');
    this.rBuf = new Float64Array(n);
    this.zBuf = new Float64Array(n);
  }

  applyPtr(r: number, z: number): void {
    this.rBuf.set(this.runtime.f64(r, this.n));
    this.zBuf.fill(0);
    this.fn(this.rBuf, this.zBuf);
    this.runtime.f64(z, this.n).set(this.zBuf);
  }

  isStale(): boolean {
    return false; // the function owns its own state
  }

  refactor(_A: CsrMatrix): void {}

  dispose(): void {}
}
