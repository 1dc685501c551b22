import { DisposedError, InvalidArgumentError } from '../errors.js';
import type { CsrMatrix } from '../matrix/csr.js';
import type { SparseRuntime } from '../runtime/runtime.js';
import type { Preconditioner, PreconditionerFunction } from './types.js';
import '../runtime/resource.js'; // its Symbol.dispose fallback, for engines without one

/**
 * A preconditioner given as a JavaScript function z = M^-1 r. The function receives plain
 * Float64Array copies (never views into wasm memory, which a function that itself uses this
 * library could detach by growing memory), so it is safe but costs two copies per apply.
 * It owns no wasm memory; dispose() only marks it unusable, like every other preconditioner.
 */
export class FunctionPreconditioner implements Preconditioner {
  readonly name = 'user' as const;
  private readonly infoFacts: Record<string, number | string | boolean> = {};
  private readonly rBuf: Float64Array;
  private readonly zBuf: Float64Array;
  private isDisposed = false;

  constructor(
    readonly runtime: SparseRuntime,
    readonly n: number,
    private readonly fn: PreconditionerFunction,
    /** declared by the user: M is SPD (CG and MINRES check r.z > 0 anyway) */
    readonly symmetric = true,
  ) {
    if (typeof fn !== 'function') throw new InvalidArgumentError('a preconditioner function must be a function (r, z) => void');
    if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`n must be an integer >= 0, got ${n}`);
    this.rBuf = new Float64Array(n);
    this.zBuf = new Float64Array(n);
  }

  get disposed(): boolean {
    return this.isDisposed;
  }

  get info(): Record<string, number | string | boolean> {
    this.alive();
    return this.infoFacts;
  }

  applyPtr(r: number, z: number): void {
    this.applyGuarded(r, z);
  }

  /**
   * applyPtr for the solvers: `check.guard()` runs after the user's function and before z is
   * written, so a function that disposed the session (and so freed z) stops the solve instead.
   * @internal
   */
  applyGuarded(r: number, z: number, check?: { guard(): void }): void {
    this.alive();
    this.rBuf.set(this.runtime.f64(r, this.n));
    this.zBuf.fill(0);
    this.fn(this.rBuf, this.zBuf);
    this.alive(); // the function may have disposed this preconditioner
    check?.guard();
    this.runtime.f64(z, this.n).set(this.zBuf);
  }

  isStale(): boolean {
    this.alive();
    return false; // the function owns its own state
  }

  /** Nothing to redo: the function owns its own state. */
  update(_A: CsrMatrix): void {
    this.alive();
  }

  /** @deprecated the former name of update(A) */
  refactor(A: CsrMatrix): void {
    this.update(A);
  }

  dispose(): void {
    this.isDisposed = true;
  }

  [Symbol.dispose](): void {
    this.dispose();
  }

  private alive(): void {
    if (this.isDisposed) throw new DisposedError('FunctionPreconditioner was used after dispose()');
  }
}
