// The TypeScript twin of assembly/status.ts: status codes and byte offsets of the blocks the
// kernels write, under the same names (test/status.test.ts checks that the two agree).
import type { SparseRuntime } from './runtime.js';

// Factorization status (ic0Factor, ilu0Factor, ilutFactor).
export const FACTOR_OK = 0;
/** a zero, tiny or non-finite pivot stopped the factorization (IC(0): a non-positive one too) */
export const FACTOR_BAD_PIVOT = 1;
/** a factor entry is not finite: the factorization overflowed */
export const FACTOR_NOT_FINITE = 2;
/** ILUT only: the L or U storage is full at the row reported (grow it, call again from there) */
export const FACTOR_OUTPUT_FULL = 3;

// The factorization status block (byte offsets).
export const FACTOR_OUT_STATUS = 0;
export const FACTOR_OUT_ROW = 4;
export const FACTOR_OUT_VALUE = 8;
export const FACTOR_OUT_FIRST_SHIFTED = 16;
export const FACTOR_OUT_SHIFTED = 20;
export const FACTOR_OUT_GROWTH_L = 24;
export const FACTOR_OUT_GROWTH_U = 32;
export const FACTOR_OUT_BYTES = 40;

// The ssorDiagonal block (byte offsets).
export const SSOR_OUT_ZERO = 0;
export const SSOR_OUT_NEGATIVE = 4;
export const SSOR_OUT_FIRST_ZERO = 8;
export const SSOR_OUT_BYTES = 16;

/** A factorization status block read back from wasm memory. */
export interface FactorStatus {
  /** FACTOR_OK, FACTOR_BAD_PIVOT, FACTOR_NOT_FINITE or FACTOR_OUTPUT_FULL */
  status: number;
  /** the row where the factorization stopped (-1 if it did not) */
  row: number;
  /** the offending value: the bad pivot, or the non-finite entry */
  value: number;
  /** first row whose pivot was shifted, -1 if none (ILU(0), ILUT) */
  firstShiftedRow: number;
  /** number of shifted pivots (ILU(0), ILUT) */
  shiftedPivots: number;
  /** max(max |l_ij|, max_ij |u_ij| / max_k |a_ik|) (ILU(0), ILUT; set on success) */
  growth: number;
}

/** Reads the factorization status block at `out`. */
export function readFactorStatus(rt: SparseRuntime, out: number): FactorStatus {
  const i = (off: number) => rt.i32(out + off, 1)[0];
  const f = (off: number) => rt.f64(out + off, 1)[0];
  return {
    status: i(FACTOR_OUT_STATUS),
    row: i(FACTOR_OUT_ROW),
    value: f(FACTOR_OUT_VALUE),
    firstShiftedRow: i(FACTOR_OUT_FIRST_SHIFTED),
    shiftedPivots: i(FACTOR_OUT_SHIFTED),
    growth: Math.max(f(FACTOR_OUT_GROWTH_L), f(FACTOR_OUT_GROWTH_U)),
  };
}

/** Reads the ssorDiagonal block at `out`. */
export function readSsorStatus(rt: SparseRuntime, out: number): { zeroDiagonals: number; negativeDiagonals: number; firstZeroRow: number } {
  const o = rt.i32(out, SSOR_OUT_BYTES / 4);
  return {
    zeroDiagonals: o[SSOR_OUT_ZERO / 4],
    negativeDiagonals: o[SSOR_OUT_NEGATIVE / 4],
    firstZeroRow: o[SSOR_OUT_FIRST_ZERO / 4],
  };
}

// The sparse LU status block (luFactor, luRefactor; byte offsets). Codes: FACTOR_*.
export const LU_OUT_STATUS = 0;
export const LU_OUT_COLUMN = 4;
export const LU_OUT_VALUE = 8;
export const LU_OUT_CANDIDATES = 16;
export const LU_OUT_UNSTABLE = 20;
export const LU_OUT_MIN_RATIO = 24;
export const LU_OUT_BYTES = 32;
