// Status blocks: what a kernel reports besides its return value, written to an `out` block the
// facade allocates. Codes and byte offsets are defined here once for assembly/ and once in the
// TypeScript twin src/runtime/status.ts, under the same names (test/status.test.ts compares them).

// Factorization status (ic0Factor, ilu0Factor, ilutFactor): FACTOR_OUT_STATUS, and ilutFactor's
// return value.
@inline export const FACTOR_OK: i32 = 0;
/** a zero, tiny or non-finite pivot stopped the factorization (or, for IC(0), a non-positive one) */
@inline export const FACTOR_BAD_PIVOT: i32 = 1;
/** a factor entry is not finite: the factorization overflowed */
@inline export const FACTOR_NOT_FINITE: i32 = 2;
/** ILUT only: the L or U storage is full at FACTOR_OUT_ROW (grow it, call again from that row) */
@inline export const FACTOR_OUTPUT_FULL: i32 = 3;

// The factorization status block (byte offsets).
/** i32 status (FACTOR_*) */
@inline export const FACTOR_OUT_STATUS: usize = 0;
/** i32 row where the factorization stopped (-1 if it did not) */
@inline export const FACTOR_OUT_ROW: usize = 4;
/** f64 the offending value (the bad pivot, or NaN/Inf of a non-finite entry) */
@inline export const FACTOR_OUT_VALUE: usize = 8;
/** i32 first row whose pivot was shifted (-1 if none; ILU(0), ILUT) */
@inline export const FACTOR_OUT_FIRST_SHIFTED: usize = 16;
/** i32 number of shifted pivots (ILU(0), ILUT) */
@inline export const FACTOR_OUT_SHIFTED: usize = 20;
/** f64 max |l_ij| (ILU(0), ILUT) */
@inline export const FACTOR_OUT_GROWTH_L: usize = 24;
/** f64 max_ij |u_ij| / max_k |a_ik| (ILU(0), ILUT) */
@inline export const FACTOR_OUT_GROWTH_U: usize = 32;
/** size of the factorization status block */
@inline export const FACTOR_OUT_BYTES: usize = 40;

// The ssorDiagonal block (byte offsets).
/** i32 zero (or missing) diagonal entries */
@inline export const SSOR_OUT_ZERO: usize = 0;
/** i32 negative diagonal entries */
@inline export const SSOR_OUT_NEGATIVE: usize = 4;
/** i32 first row with a zero diagonal (-1 if none) */
@inline export const SSOR_OUT_FIRST_ZERO: usize = 8;
/** size of the ssorDiagonal block */
@inline export const SSOR_OUT_BYTES: usize = 16;

// The sparse LU status block (luFactor, luRefactor; byte offsets). Codes: FACTOR_*.
/** i32 status (FACTOR_*) */
@inline export const LU_OUT_STATUS: usize = 0;
/** i32 column step where the factorization stopped; luRefactor: first unstable pivot (-1 if none) */
@inline export const LU_OUT_COLUMN: usize = 4;
/** f64 the offending value: the largest candidate |x_i| (bad pivot) or the zero pivot (refactor) */
@inline export const LU_OUT_VALUE: usize = 8;
/** i32 unpivoted rows the stopped column reaches (0: structurally singular) */
@inline export const LU_OUT_CANDIDATES: usize = 16;
/** i32 luRefactor: pivots below threshold times their column's largest entry */
@inline export const LU_OUT_UNSTABLE: usize = 20;
/** f64 luRefactor: min over columns of |u_kk| / max(|u_kk|, max_i |l_ik u_kk|) */
@inline export const LU_OUT_MIN_RATIO: usize = 24;
/** size of the LU status block */
@inline export const LU_OUT_BYTES: usize = 32;
