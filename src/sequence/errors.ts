import { SparseError, nameErrors } from '../errors.js';
import type { SequenceResult } from './solve-sequence.js';

/**
 * A system of a sequence could not be solved or not even read: a generator or loader that threw,
 * a matrix or b of another size than the sequence's, a non-finite feature or context value.
 * `index` is the system's index in the input (0-based); `cause` the underlying error; `partial`
 * holds the results of the systems solved before it (in input order, undefined where unsolved),
 * which onSystem has also received. Every wasm allocation of the sequence solver is freed before
 * this is thrown.
 */
export class SequenceError extends SparseError {
  readonly index: number;
  readonly partial: SequenceResult;
  constructor(message: string, index: number, cause: unknown, partial: SequenceResult) {
    super(message);
    this.index = index;
    this.cause = cause;
    this.partial = partial;
  }
}

// its name survives minification like the classes of errors.ts (it stays here: its `partial` is a sequence type)
nameErrors({ SequenceError });
