// The session-owned place for a recycle space: what GCRO-DR and recycled CG keep between solves.
// Generic on purpose: GCRO-DR keeps U and C = A M^-1 U (C orthonormal), recycled CG keeps k
// approximate eigenvectors U and A U. The methods decide what goes in; the space records what it
// was built for, so a method can tell what changed since: nothing (use it), the values or the
// preconditioner (U still spans the wanted space, C must be recomputed), the matrix (U carried
// over as vectors only), or the size (never usable).
import { InvalidArgumentError } from '../errors.js';
import type { CsrMatrix } from '../matrix/csr.js';
import { WasmResource } from '../runtime/resource.js';
import type { SparseRuntime } from '../runtime/runtime.js';

/** What changed since the space was built, from the cheapest to the most radical change. */
export type RecycleStatus =
  | 'empty' // nothing recycled yet (k = 0), or invalidated
  | 'current' // built for this very operator: U and C are usable as they are
  | 'values-changed' // same matrix object and pattern, new values or a refactored preconditioner: recompute C from U
  | 'matrix-changed' // another matrix of the same size (update({ matrix })): U is a set of vectors, C must be recomputed
  | 'size-changed'; // another size: unusable, the space must be dropped

/** The operator a recycle space was built for (the session's A, its preconditioner's version). */
export interface RecycleOperator {
  readonly A: CsrMatrix;
  /** bumped by the session whenever the preconditioner is rebuilt or refactored */
  readonly precondVersion: number;
}

interface BuiltFor {
  n: number;
  matrixId: number;
  patternId: number;
  valuesVersion: number;
  precondVersion: number;
}

// Identity of matrix objects without holding them (a disposed matrix must not be kept alive).
const ids = new WeakMap<CsrMatrix, number>();
let nextId = 1;
function matrixId(A: CsrMatrix): number {
  let id = ids.get(A);
  if (id === undefined) ids.set(A, (id = nextId++));
  return id;
}

/**
 * U and C: two n x capacity column-major blocks in wasm memory (float64, or float32 to halve the
 * traffic), of which the first k columns are in use. Owned by a SolverSession (freed with it);
 * a method reaches it through `ws.recycle`, callers through `session.recycle`.
 */
export class RecycleSpace extends WasmResource {
  readonly n: number;
  /** the most columns the blocks hold */
  readonly capacity: number;
  readonly precision: 'f64' | 'f32';
  /** bytes between two columns */
  readonly stride: number;
  /** n x capacity: the recycled vectors */
  readonly U: number;
  /** n x capacity: the operator applied to them (GCRO-DR: C = A M^-1 U orthonormal; recycled CG: A U) */
  readonly C: number;
  private used = 0;
  private built: BuiltFor | null = null;
  /** the method's small dense state that goes with U and C (e.g. k x k matrices); cleared by invalidate() */
  data: unknown = undefined;

  constructor(runtime: SparseRuntime, n: number, capacity: number, precision: 'f64' | 'f32' = 'f64') {
    super(runtime);
    if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`recycle space: n must be an integer >= 0, got ${n}`);
    if (!Number.isInteger(capacity) || capacity < 0) throw new InvalidArgumentError(`recycle space: k must be an integer >= 0, got ${capacity}`);
    this.n = n;
    this.capacity = capacity;
    this.precision = precision;
    this.stride = n * (precision === 'f64' ? 8 : 4);
    const bytes = Math.max(8, this.stride * capacity);
    try {
      this.U = this.own(runtime.alloc(bytes));
      this.C = this.own(runtime.alloc(bytes));
    } catch (e) {
      this.dispose();
      throw e;
    }
  }

  /** columns of U and C in use */
  get k(): number {
    return this.used;
  }

  /** Address of column j of U or C. */
  column(block: 'U' | 'C', j: number): number {
    return (block === 'U' ? this.U : this.C) + j * this.stride;
  }

  /** What changed since markBuilt() for the operator `op` (see RecycleStatus). */
  status(op: RecycleOperator): RecycleStatus {
    this.alive('RecycleSpace');
    const b = this.built;
    if (!b || this.used === 0) return 'empty';
    if (b.n !== op.A.rows) return 'size-changed';
    if (b.matrixId !== matrixId(op.A) || b.patternId !== op.A.patternId) return 'matrix-changed';
    if (b.valuesVersion !== op.A.valuesVersion || b.precondVersion !== op.precondVersion) return 'values-changed';
    return 'current';
  }

  /** Records that the first k columns of U and C are now valid for `op`. */
  markBuilt(op: RecycleOperator, k: number): void {
    this.alive('RecycleSpace');
    if (!Number.isInteger(k) || k < 0 || k > this.capacity) {
      throw new InvalidArgumentError(`recycle space: k must be an integer in [0, ${this.capacity}], got ${k}`);
    }
    if (op.A.rows !== this.n) throw new InvalidArgumentError(`recycle space: built for n = ${this.n}, the matrix has ${op.A.rows} rows`);
    this.used = k;
    this.built = k === 0 ? null : {
      n: op.A.rows, matrixId: matrixId(op.A), patternId: op.A.patternId, valuesVersion: op.A.valuesVersion, precondVersion: op.precondVersion,
    };
  }

  /** Drops the recycled columns (k = 0) and the method's data; the memory stays for the next build. */
  invalidate(): void {
    this.used = 0;
    this.built = null;
    this.data = undefined;
  }

  /** A plain summary for results and logs. */
  describe(): { k: number; capacity: number; precision: 'f64' | 'f32' } {
    return { k: this.used, capacity: this.capacity, precision: this.precision };
  }

  override dispose(): void {
    this.invalidate();
    super.dispose();
  }
}
