import { InvalidArgumentError } from '../errors.js';
import type { CsrMatrix } from '../matrix/csr.js';
import { matrixProperties } from '../matrix/properties.js';
import type { PreconditionerName } from '../precond/types.js';
import { methodDescriptor } from '../solvers/registry.js';
import type { MethodName } from '../solvers/types.js';

export interface AutoChoice {
  method: MethodName;
  precond: PreconditionerName;
  /** why: the facts of the matrix that decided (or that the caller gave the choice) */
  because: string;
  /** what to build instead if the automatic preconditioner's factorization fails */
  fallback?: { precond: PreconditionerName; because: string };
}

/**
 * Default method and preconditioner from the matrix. Method ('auto'): numerically symmetric with a
 * positive diagonal → CG; other symmetric → MINRES; nonsymmetric → GMRES(m).
 * Preconditioner ('auto'), from the matrix as well as the method:
 * - MINRES needs an SPD preconditioner: Jacobi on |diag(A)| when no diagonal entry is zero, else none;
 * - a symmetric matrix with a positive diagonal (whatever the method) → IC(0), with its diagonal
 *   shift when the incomplete factorization breaks down (ILU(0) of such a matrix can get negative
 *   pivots where IC(0) shifts: on bcsstk13 GMRES/BiCGSTAB + ILU(0) stall, + IC(0) converge);
 * - CG on anything else: Jacobi if the diagonal is positive (SPD), else none;
 * - GMRES/BiCGSTAB on anything else → ILU(0).
 * Not preferredPreconditioner({ spd: true, ... }) of the registry for MINRES and CG: it agrees on
 * the matrices 'auto' sends there, but differs when the method is given (MINRES on an SPD-like
 * matrix: IC(0) there, Jacobi here; CG with a nonzero diagonal of mixed sign: Jacobi on |diag(A)|
 * there, none here), and these defaults are kept as they were.
 */
export function chooseDefaults(A: CsrMatrix, method: 'auto' | MethodName, precond: 'auto' | PreconditionerName): AutoChoice {
  // a direct method factors A itself: that factorization is its preconditioner
  const own = method !== 'auto' ? methodDescriptor(method)?.factorization : undefined;
  if (own) {
    if (precond !== 'auto' && precond !== 'none' && precond !== own) {
      throw new InvalidArgumentError(`method ${method} solves with its own ${own} factorization of A and takes no other preconditioner (got ${precond}): leave precond 'auto'`);
    }
    return { method: method as MethodName, precond: own, because: `method ${method} given: a direct solve with the ${own} factorization of A, then iterative refinement` };
  }
  if (method !== 'auto' && precond !== 'auto') return { method, precond, because: 'method and preconditioner given' };
  const p = matrixProperties(A);
  const spdLike = p.numericallySymmetric && p.diagonalSign === 'positive';
  let m: MethodName;
  let why: string;
  const direct = method === 'auto' && precond === 'auto' ? directRule(A, p) : null;
  if (direct) return direct;
  if (method !== 'auto') {
    m = method;
    why = `method ${method} given`;
  } else if (spdLike) {
    m = 'cg';
    why = 'symmetric with a positive diagonal';
  } else if (p.numericallySymmetric) {
    m = 'minres';
    why = `symmetric, diagonal ${p.missingDiagonal > 0 || zeroDiagonals(A) > 0 ? 'with zero entries' : 'of mixed or negative sign'}`;
  } else {
    m = 'gmres';
    why = 'nonsymmetric';
  }
  if (precond !== 'auto') return { method: m, precond, because: `${why}; preconditioner given` };
  // a stationary method (SOR) is the iteration itself: a preconditioner would make it another method
  if (methodDescriptor(m)?.requires.preconditioner === 'none') return { method: m, precond: 'none', because: `${why}; no preconditioner: ${m} takes none` };
  let pc: PreconditionerName;
  let pcWhy: string;
  let fallback: AutoChoice['fallback'];
  if (m === 'minres') {
    const zero = p.missingDiagonal > 0 || zeroDiagonals(A) > 0;
    pc = zero ? 'none' : 'jacobi';
    pcWhy = zero
      ? 'no preconditioner: MINRES needs an SPD one and a zero diagonal entry rules out Jacobi'
      : 'Jacobi on |diag(A)|, SPD as MINRES needs';
  } else if (spdLike) {
    pc = 'ic0';
    if (m === 'gmres' || m === 'bicgstab') {
      // IC(0) throws only when even A + 0.5e6 diag(|A|) has a bad pivot: A is far from positive
      // definite, and these methods do not need an SPD preconditioner
      fallback = {
        precond: 'ilu0',
        because: `${why}; ILU(0): the matrix is symmetric with a positive diagonal, but IC(0) failed even with diagonal shifts (A is far from positive definite)`,
      };
    }
    pcWhy = method === 'auto'
      ? 'IC(0), diagonally shifted if the incomplete factorization breaks down'
      : 'IC(0) because the matrix is symmetric with a positive diagonal (diagonally shifted if the incomplete factorization breaks down)';
  } else if (m === 'cg') {
    const pos = p.diagonalSign === 'positive';
    pc = pos ? 'jacobi' : 'none';
    pcWhy = `${pos ? 'Jacobi' : 'no preconditioner'}: CG needs an SPD preconditioner and the matrix is not symmetric with a positive diagonal, so IC(0) does not apply`;
  } else {
    pc = 'ilu0';
    pcWhy = `ILU(0) because the matrix is ${p.numericallySymmetric ? 'symmetric without a positive diagonal' : 'nonsymmetric'}`;
  }
  return { method: m, precond: pc, because: `${why}; ${pcWhy}`, ...(fallback ? { fallback } : {}) };
}

/**
 * Largest n for which 'auto' takes a direct factorization at once when the matrix has a zero or
 * missing diagonal entry. Measured on the bundled fixtures (issue 12): of the 9 with zero or
 * missing diagonal entries, GMRES + ILU(0) (the iterative choice) fails on 8 (bayer10, bp_1200,
 * impcol_a, nnc1374, plskz362, rbs480a, tumorAntiAngiogenesis_2, west0479; ILU(0) has to replace
 * the zero pivots, and MINRES + Jacobi cannot use the zero diagonal), while the sparse LU solves
 * each in milliseconds (bayer10, n = 13,436, the largest). Beyond this size the LU's fill is not
 * predicted cheaply enough to commit to it blindly; the fallback still catches a failure there.
 * No rule for "small" matrices: on the bundled fixtures whose diagonal is nonzero, the iterative
 * choice was as fast as the LU or faster wherever it converged (arc130, hor131, olm1000, orsirr_1,
 * sherman5, the SPD ones); where it does not converge, the fallback takes over.
 */
export const DIRECT_ZERO_DIAGONAL_MAX_N = 200_000;

/** The up-front direct choice of 'auto' (method and preconditioner both automatic), or null. */
function directRule(A: CsrMatrix, p: ReturnType<typeof matrixProperties>): AutoChoice | null {
  const n = A.rows;
  const zero = zeroDiagonals(A); // stored zeros and missing entries
  if (zero > 0 && n <= DIRECT_ZERO_DIAGONAL_MAX_N) {
    return {
      method: 'lu', precond: 'lu',
      because: `${zero} of ${n} diagonal entries are zero or missing: incomplete factorizations and Jacobi cannot use them, ` +
        'so a sparse LU with partial pivoting (direct, then iterative refinement)',
    };
  }
  return null;
}

function zeroDiagonals(A: CsrMatrix): number {
  let z = 0;
  for (const d of A.diagonal()) if (d === 0) z++;
  return z;
}

/**
 * The first row, else the first column, of A with no stored entry (a structurally singular
 * matrix), or null. Only the pattern is read, so the answer holds for every value update.
 */
export function structuralSingularity(A: CsrMatrix): { kind: 'row' | 'column'; index: number } | null {
  const n = A.rows, rp = A.rowPtr, ci = A.colIdx;
  for (let i = 0; i < n; i++) if (rp[i] === rp[i + 1]) return { kind: 'row', index: i };
  const seen = new Uint8Array(A.cols);
  for (let p = 0; p < A.nnz; p++) seen[ci[p]] = 1;
  const j = seen.indexOf(0);
  return j >= 0 ? { kind: 'column', index: j } : null;
}
