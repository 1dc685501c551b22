// The column pre-ordering of the sparse LU (src/direct/lu.ts) and its optional block triangular form.
import { InvalidArgumentError } from '../errors.js';
import type { CsrMatrix } from '../matrix/csr.js';
import { reverseCuthillMcKee } from '../matrix/ordering.js';

/** A column ordering by name, or a permutation (q[k] = column of A placed at step k). */
export type LuOrdering = 'amd' | 'colamd' | 'rcm' | 'natural' | Int32Array | number[];

/**
 * The column order q of A Q, checked to be a permutation; `name` says which ordering made it.
 */
export function columnOrdering(A: CsrMatrix, ordering: LuOrdering): { q: Int32Array; name: string } {
  const n = A.cols;
  if (typeof ordering !== 'string') {
    const q = Int32Array.from(ordering);
    checkPermutation(q, n, 'SparseLu: option ordering');
    return { q, name: 'given' };
  }
  switch (ordering) {
    case 'natural': {
      const q = new Int32Array(n);
      for (let i = 0; i < n; i++) q[i] = i;
      return { q, name: 'natural' };
    }
    case 'rcm':
      return { q: reverseCuthillMcKee(A), name: 'rcm' };
    default:
      throw new InvalidArgumentError(`SparseLu: ordering '${ordering}' is not available yet in this build; use 'rcm', 'natural' or a permutation`);
  }
}

/** Throws InvalidArgumentError unless p is a permutation of 0..n-1. */
export function checkPermutation(p: ArrayLike<number>, n: number, what: string): void {
  if (p.length !== n) throw new InvalidArgumentError(`${what} has length ${p.length}, expected ${n}`);
  const seen = new Uint8Array(n);
  for (let k = 0; k < n; k++) {
    const v = p[k];
    if (!Number.isInteger(v) || v < 0 || v >= n || seen[v]) {
      throw new InvalidArgumentError(`${what} is not a permutation of 0..${n - 1}: entry ${k} is ${v}${seen[v] ? ' (repeated)' : ''}`);
    }
    seen[v] = 1;
  }
}

/**
 * The column steps and block layout the LU kernel works with: q (step -> column of A), pref (step
 * -> preferred pivot row, the column's diagonal entry or its matched row), and with a block
 * triangular form rowBlock / colBlock (the first step of the block of each row of A / of each
 * step) and blocks (block starts, length nb + 1).
 */
export interface BlockForm {
  q: Int32Array;
  pref: Int32Array;
  rowBlock: Int32Array | undefined;
  colBlock: Int32Array | undefined;
  blocks: Int32Array;
}

/** The block triangular form of A with the fill ordering q kept inside each block. */
export function blockForm(_A: CsrMatrix, _q: Int32Array): BlockForm {
  throw new InvalidArgumentError('SparseLu: option btf is not available yet in this build');
}
