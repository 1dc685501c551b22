import { InvalidArgumentError } from '../errors.js';
import type { CsrMatrix } from '../matrix/csr.js';
import { JacobiPreconditioner } from './jacobi.js';
import { ChebyshevPreconditioner } from './chebyshev.js';
import { Ic0Preconditioner } from './ic0.js';
import { Ilu0Preconditioner } from './ilu0.js';
import { IlutPreconditioner } from './ilut.js';
import { SsorPreconditioner } from './ssor.js';
import type { Preconditioner, PreconditionerName, PreconditionerOptions } from './types.js';

const OPTION_KEYS = new Set(['omega', 'dropTolerance', 'maxFill', 'degree', 'eigenSteps', 'pivot']);

export function checkPreconditionerOptions(o: PreconditionerOptions): void {
  if (o === null || typeof o !== 'object' || Array.isArray(o)) {
    throw new InvalidArgumentError(`preconditioner options must be an object, got ${o === null ? 'null' : typeof o}`);
  }
  for (const k of Object.keys(o)) {
    if (!OPTION_KEYS.has(k)) throw new InvalidArgumentError(`unknown preconditioner option "${k}"`);
    // the numeric options: a string such as '1.2' must not pass for a number
    const v = (o as Record<string, unknown>)[k];
    if (k !== 'pivot' && v !== undefined && typeof v !== 'number') {
      throw new InvalidArgumentError(`preconditioner option ${k} must be a number, got ${typeof v === 'string' ? `"${v}" (a string)` : String(v)}`);
    }
  }
  if (o.pivot !== undefined && o.pivot !== 'shift' && o.pivot !== 'error') {
    throw new InvalidArgumentError(`pivot must be 'shift' or 'error', got ${String(o.pivot)}`);
  }
}

/**
 * Builds a named preconditioner for A (analysis and numeric setup). `forMinres` makes Jacobi use
 * |diag(A)| so it is SPD as MINRES requires. Returns null for 'none'.
 */
export function createPreconditioner(
  A: CsrMatrix, name: PreconditionerName, options: PreconditionerOptions = {}, forMinres = false,
): Preconditioner | null {
  checkPreconditionerOptions(options);
  switch (name) {
    case 'none':
      return null;
    case 'jacobi':
      return new JacobiPreconditioner(A, { pivot: options.pivot, absolute: forMinres });
    case 'ssor':
      return new SsorPreconditioner(A, { omega: options.omega, pivot: options.pivot });
    case 'ic0':
      return new Ic0Preconditioner(A, { pivot: options.pivot });
    case 'ilu0':
      return new Ilu0Preconditioner(A, { pivot: options.pivot });
    case 'ilut':
      return new IlutPreconditioner(A, { dropTolerance: options.dropTolerance, maxFill: options.maxFill, pivot: options.pivot });
    case 'chebyshev':
      return new ChebyshevPreconditioner(A, { degree: options.degree, eigenSteps: options.eigenSteps });
    default:
      throw new InvalidArgumentError(`unknown preconditioner "${String(name)}"`);
  }
}
