import type { CsrMatrix } from '../matrix/csr.js';
import { matrixProperties } from '../matrix/properties.js';
import type { PreconditionerName } from '../precond/types.js';
import type { MethodName } from '../solvers/types.js';

export interface AutoChoice {
  method: MethodName;
  precond: PreconditionerName;
  /** why: the facts of the matrix that decided */
  because: string;
}

/**
 * Default method and preconditioner from the matrix: numerically symmetric with a positive
 * diagonal → CG + IC(0); other symmetric → MINRES (+ |diag| Jacobi when no diagonal entry is
 * zero); nonsymmetric → GMRES(m) + ILU(0). `precond` is the choice for 'auto' only.
 */
export function chooseDefaults(A: CsrMatrix, method: 'auto' | MethodName, precond: 'auto' | PreconditionerName): AutoChoice {
  if (method !== 'auto' && precond !== 'auto') return { method, precond, because: 'method and preconditioner given' };
  const p = matrixProperties(A);
  let m: MethodName;
  let because: string;
  if (method !== 'auto') {
    m = method;
    because = `method ${method} given`;
  } else if (p.numericallySymmetric && p.diagonalSign === 'positive') {
    m = 'cg';
    because = 'symmetric with a positive diagonal';
  } else if (p.numericallySymmetric) {
    m = 'minres';
    because = `symmetric, diagonal ${p.missingDiagonal > 0 ? 'with zero entries' : 'of mixed or negative sign'}`;
  } else {
    m = 'gmres';
    because = 'nonsymmetric';
  }
  let pc: PreconditionerName;
  if (precond !== 'auto') pc = precond;
  else if (m === 'cg') pc = 'ic0';
  else if (m === 'minres') pc = p.missingDiagonal === 0 && zeroDiagonals(A) === 0 ? 'jacobi' : 'none';
  else pc = 'ilu0';
  return { method: m, precond: pc, because };
}

function zeroDiagonals(A: CsrMatrix): number {
  let z = 0;
  for (const d of A.diagonal()) if (d === 0) z++;
  return z;
}
