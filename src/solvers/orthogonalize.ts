// Block classical Gram-Schmidt with reorthogonalization (CGS2) over a basis held as one n x j
// block in wasm memory, for GMRES's Arnoldi step, GCRO-DR and recycled CG.
//
// Why classical and not modified: MGS takes the inner products one after the other, so it reads
// the basis (and w) once per column; CGS takes all of them from the same w, so one pass of the
// block kernels (assembly/block.ts) serves all columns. One CGS pass loses orthogonality on
// ill-conditioned bases; a second pass restores it to rounding ("twice is enough": Giraud, Langou,
// Rozloznik 2005), and the Kahan-Parlett / DGKS test says when the second pass is needed.

import type { Kernels } from '../runtime/kernels.js';

/** The kernels this module calls (assembly/block.ts, and nrm2, axpy, copy, scal of blas1). */
export type BlockKernels = Pick<Kernels,
  'multiDot' | 'multiAxpy' | 'multiAxpySumsq' | 'multiAxpyDot' | 'nrm2' | 'axpy' | 'copy' | 'scal'>;

/**
 * When to run the second Gram-Schmidt pass:
 * - 'selective' (default): when the first pass cancelled much of w, ||w'|| < eta ||w|| (the
 *   Kahan-Parlett / DGKS criterion, eta = 1/sqrt(2)); the coefficients of the second pass are
 *   computed in the same sweep as the first update (multiAxpyDot), so the test costs no extra
 *   read of the basis from memory and a needed second pass costs one more sweep.
 * - 'always': two full passes every time (three sweeps of the basis).
 * - 'never': one pass, classical Gram-Schmidt as is: loses orthogonality on ill-conditioned
 *   bases; only for measurement.
 */
export type Reorthogonalization = 'selective' | 'always' | 'never';

/** The DGKS / Kahan-Parlett constant: a second pass when ||w'|| < eta ||w||. */
export const REORTH_ETA = Math.SQRT1_2;

/** Squares summed in plain arithmetic are trustworthy strictly inside this range. */
const SAFE_LO = 1e-290, SAFE_HI = 1e290;

export class BlockGramSchmidt {
  /** ||w|| before the last orthogonalization */
  normBefore = 0;
  /** calls and second passes so far (for measurement) */
  calls = 0;
  secondPasses = 0;

  constructor(
    readonly k: BlockKernels,
    readonly n: number,
    readonly reorth: Reorthogonalization = 'selective',
    readonly eta: number = REORTH_ETA,
  ) {}

  /**
   * Orthogonalizes w against the j orthonormal columns of the block V (n x j, column-major, f64):
   * w <- (I - V V^T) w, twice where needed. Writes the coefficients V^T w (both passes summed)
   * to h (j f64s in wasm); work is j f64s of scratch in wasm, not overlapping h. Returns ||w|| after;
   * normBefore is ||w|| before. Allocates nothing.
   *
   * No decision about dependence is taken here: with V orthonormal, ||w_before||^2 = ||h||^2 +
   * ||w_after||^2, and the caller compares ||w_after|| with its own threshold (GMRES: 1e-12 of
   * ||w_before||, a happy breakdown below it).
   */
  orthogonalize(V: number, j: number, w: number, h: number, work: number): number {
    const { k, n } = this;
    this.calls++;
    const s0 = k.multiDot(V, j, n, w, h);
    const n0 = s0 > SAFE_LO && s0 < SAFE_HI ? Math.sqrt(s0) : k.nrm2(n, w);
    this.normBefore = n0;
    if (j === 0) return n0;
    if (this.reorth === 'never') return this.norm(k.multiAxpySumsq(V, j, n, h, w), w);
    const n1 = this.norm(k.multiAxpyDot(V, j, n, h, w, work), w);
    // n1 >= eta n0: little cancellation, w is orthogonal to rounding (NaN goes on to the second pass)
    if (this.reorth === 'selective' && n1 >= this.eta * n0) return n1;
    this.secondPasses++;
    const n2 = this.norm(k.multiAxpySumsq(V, j, n, work, w), w);
    k.axpy(j, 1, work, h);
    return n2;
  }

  /** sqrt(s) when the plain sum of squares is safe, else the careful norm of w */
  private norm(s: number, w: number): number {
    return s > SAFE_LO && s < SAFE_HI ? Math.sqrt(s) : this.k.nrm2(this.n, w);
  }
}

/** What orthonormalizeBlock found. */
export interface BlockQrResult {
  /** the numerical rank: columns 0..rank-1 of W are orthonormal */
  rank: number;
  /** the original index of each kept column, in order */
  kept: number[];
  /** true when some column was not finite (it was dropped, as a dependent one is) */
  nonFinite: boolean;
}

/**
 * Orthonormalizes the k columns of W (n x k, f64, in wasm) in place, column by column with
 * BlockGramSchmidt, and writes R (k x k, column-major, upper triangular, f64s in wasm at `R`) so
 * that W_before[:, kept] = W_after[:, 0..rank) R[0..rank, 0..rank). A column whose norm after
 * orthogonalization is at most `tol` times its norm before depends on the previous ones (to that
 * relative accuracy): it is dropped and the later columns move down, so a rank-deficient block is
 * reported instead of producing a noise direction. work: k f64s of scratch in wasm. Columns of R
 * from `rank` on are zero.
 */
export function orthonormalizeBlock(
  rt: { f64(ptr: number, length: number): Float64Array }, gs: BlockGramSchmidt,
  W: number, k: number, R: number, work: number, tol = 1e-12,
): BlockQrResult {
  const { n } = gs, kk = gs.k, stride = n * 8;
  const kept: number[] = [];
  let nonFinite = false;
  rt.f64(R, k * k).fill(0);
  for (let c = 0; c < k; c++) {
    const rank = kept.length;
    const dst = W + rank * stride;
    if (rank !== c) kk.copy(n, W + c * stride, dst);
    const colR = R + rank * k * 8;
    const nrm = gs.orthogonalize(W, rank, dst, colR, work);
    if (!Number.isFinite(nrm) || !Number.isFinite(gs.normBefore)) nonFinite = true;
    if (!(nrm > tol * gs.normBefore) || !Number.isFinite(nrm)) {
      rt.f64(colR, k).fill(0); // dependent, zero or not finite: dropped
      continue;
    }
    if (nrm >= 1e-300) kk.scal(n, 1 / nrm, dst);
    else { kk.scal(n, 1e300, dst); kk.scal(n, 1 / (nrm * 1e300), dst); } // 1/nrm would overflow
    rt.f64(colR, k)[rank] = nrm;
    kept.push(c);
  }
  // columns left behind by dropping hold stale copies: zero them so W has exactly rank columns
  for (let c = kept.length; c < k; c++) rt.f64(W + c * stride, n).fill(0);
  return { rank: kept.length, kept, nonFinite };
}
