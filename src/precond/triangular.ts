// Shared by the factorization preconditioners (IC(0), ILU(0), ILUT) and SSOR: the specs of the
// pivot policy and analysis options, the use of a (shared) pattern analysis. Factor storage and read-back live in
// src/factor/ (shared with the direct solvers).
import { TriangularAnalysis, type AnalysisKind } from '../factor/analysis.js';
import type { CsrMatrix } from '../matrix/csr.js';
import type { CustomSpec, EnumSpec } from '../options.js';
import type { PivotPolicy } from './types.js';

/** The `pivot` option (checkOptions spec): 'shift' (default) or 'error'. */
export const PIVOT_OPTION: EnumSpec<PivotPolicy> & { default: PivotPolicy } = { kind: 'enum', values: ['shift', 'error'], default: 'shift' };

/** -3.2e-5 style */
export function fmt(v: number): string {
  if (!Number.isFinite(v) || v === 0) return String(v);
  const a = Math.abs(v);
  if (a >= 1e-3 && a < 1e6) return String(Number(v.toPrecision(3)));
  return v.toExponential(2).replace(/\.?0+e/, 'e').replace('e+', 'e');
}

/** The option of the factorizations on A's own pattern (IC(0), ILU(0)) to share an analysis. */
export interface SharedAnalysisOption {
  /**
   * The pattern analysis to use (analyzeIlu0 for ILU(0); analyzeIc0 or analyzeIlu0 for IC(0)) of
   * a matrix with A's pattern id, shared with other factorizations instead of analysing A again;
   * it is not disposed with this one.
   */
  analysis?: TriangularAnalysis;
}

/** The `analysis` option (checkOptions spec): a TriangularAnalysis; which kind fits is useAnalysis's check. */
export const ANALYSIS_OPTION: CustomSpec<TriangularAnalysis> & { test: (v: unknown) => v is TriangularAnalysis } = {
  kind: 'custom',
  test: (v: unknown): v is TriangularAnalysis => v instanceof TriangularAnalysis,
  expected: 'an analysis from analyzeIc0 / analyzeIlu0',
};

/** The options of the factorizations on A's own pattern (IC(0), ILU(0)): pivot policy and a shared analysis. */
export const SHARED_ANALYSIS_OPTIONS = { pivot: PIVOT_OPTION, analysis: ANALYSIS_OPTION };

/**
 * The pattern analysis a factorization of A uses: `given` (checked against A's pattern, shared) or
 * a new one that only this factorization holds (freed when it releases its use).
 */
export function useAnalysis(A: CsrMatrix, name: string, kind: AnalysisKind, given: TriangularAnalysis | undefined): TriangularAnalysis {
  if (given) {
    given.acquire(A, name, kind);
    return given;
  }
  const S = new TriangularAnalysis(A, kind);
  S.acquire(A, name, kind);
  S.dispose(); // the caller's handle: the memory goes with this factorization's releaseUse()
  return S;
}

/**
 * ILU(0)/ILUT: a bad pivot is replaced by sign(u_ii) * PIVOT_SHIFT * max_j |a_ij|. Measured on the
 * shared matrices with missing diagonals (west0067, impcol_a, bp_1200, rbs480a; GMRES(50)): a
 * replacement of the row's own size keeps the factors bounded, while 1e-4 or 1e-8 of it makes
 * them grow to 1e10..1e160 or overflow, and GMRES then fails.
 */
export const PIVOT_SHIFT = 1;
