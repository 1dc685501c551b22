// Every function the wasm module exports (assembly/index.ts), declared once, grouped by the
// assembly file that defines it, each with its one-line math statement (the full contract is the
// comment above the kernel in assembly/). Pointers are byte offsets into the wasm memory; i32
// arguments are passed as numbers, flags as 0/1. test/kernels.test.ts checks that this table and
// the instance's exports are the same set with the same arities, for both builds.

/** The wasm kernels, reached typed as `runtime.kernels`. */
export interface Kernels {
  // ---- assembly/memory.ts
  /** allocates `size` bytes (16-byte aligned); traps only when memory cannot grow */
  alloc(size: number): number;
  /** frees a block from alloc */
  free(ptr: number): void;
  /** 1 in the SIMD build, 0 in the scalar one */
  simdEnabled(): number;

  // ---- assembly/blas1.ts
  /** returns x . y */
  dot(n: number, x: number, y: number): number;
  /** y = alpha x + y */
  axpy(n: number, alpha: number, x: number, y: number): void;
  /** x = alpha x */
  scal(n: number, alpha: number, x: number): void;
  /** y = x (regions do not overlap) */
  copy(n: number, x: number, y: number): void;
  /** x_i = value */
  fill(n: number, value: number, x: number): void;
  /** returns ||x||_2 without overflow or harmful underflow */
  nrm2(n: number, x: number): number;

  // ---- assembly/spmv_csr.ts
  /** y = A x */
  csrSpmv(rows: number, rowPtr: number, colIdx: number, vals: number, x: number, y: number): void;
  /** y = alpha A x + beta y (beta = 0: y only written) */
  csrSpmvScaled(rows: number, rowPtr: number, colIdx: number, vals: number, x: number, y: number, alpha: number, beta: number): void;
  /** y = alpha A^T x + beta y, A rows x cols */
  csrSpmvTransposed(rows: number, cols: number, rowPtr: number, colIdx: number, vals: number, x: number, y: number, alpha: number, beta: number): void;

  // ---- assembly/spmv_sell.ts
  /** y = A x for A in SELL-8 layout (CSR arrays for the rows past the last full chunk) */
  sellSpmv(rows: number, chunks: number, chunkPtr: number, cols: number, vals: number, perm: number, x: number, y: number,
    rowPtr: number, colIdx: number, csrVals: number): void;
  /** sellSpmv over chunks c0 .. c1-1 only (one thread's share; same arithmetic per row) */
  sellSpmvRange(rows: number, chunks: number, c0: number, c1: number, chunkPtr: number, cols: number, vals: number, perm: number,
    x: number, y: number, rowPtr: number, colIdx: number, csrVals: number): void;
  /** SELL-8 arrays from CSR (chunkPtr already holds the chunk offsets; perm 0 = identity) */
  sellFill(rows: number, chunks: number, rowPtr: number, colIdx: number, vals: number, perm: number, chunkPtr: number,
    outCols: number, outVals: number): void;

  // ---- assembly/convert.ts
  /** COO to canonical CSR (sorted rows, duplicates summed); returns the nnz after summing */
  cooToCsr(rows: number, cols: number, nnz: number, ri: number, ci: number, v: number, rowPtr: number, tmpPtr: number,
    tmpRow: number, tmpCol: number, tmpVal: number, outCol: number, outVal: number): number;
  /** B = A^T (outVal 0: pattern only) */
  csrTranspose(rows: number, cols: number, rowPtr: number, colIdx: number, vals: number, outPtr: number, outCol: number, outVal: number): void;
  /** diag_i = a_ii (0 where absent) */
  csrDiagonal(rows: number, cols: number, rowPtr: number, colIdx: number, vals: number, diag: number): void;

  // ---- assembly/jacobi.ts
  /** z_i = invDiag_i r_i */
  jacobiApply(n: number, invDiag: number, r: number, z: number): void;

  // ---- assembly/krylov.ts
  /** y = x + beta y */
  xpby(n: number, x: number, beta: number, y: number): void;
  /** y = a x + b y */
  axpby(n: number, a: number, x: number, b: number, y: number): void;
  /** z = x - y */
  sub(n: number, x: number, y: number, z: number): void;
  /** x += alpha p; r -= alpha q; returns r . r */
  cgStep(n: number, alpha: number, p: number, q: number, x: number, r: number): number;
  /** p = r + beta (p - omega v) */
  bicgDirection(n: number, beta: number, omega: number, r: number, v: number, p: number): void;
  /** s = r - alpha v; returns s . s */
  bicgHalf(n: number, alpha: number, r: number, v: number, s: number): number;
  /** x += alpha ph + omega sh; r = s - omega t; returns r . r */
  bicgUpdate(n: number, alpha: number, omega: number, ph: number, sh: number, s: number, t: number, x: number, r: number): number;
  /** h_j = V_j . w, w -= h_j V_j over k contiguous vectors, twice (MGS with reorthogonalization) */
  orthogonalize(n: number, k: number, V: number, w: number, h: number): void;
  /** x += sum_j y_j V_j over k contiguous vectors */
  combine(n: number, k: number, V: number, y: number, x: number): void;
  /** 1 if every x_i is finite, else 0 */
  allFinite(n: number, x: number): number;

  // ---- assembly/spgemm.ts
  /** stats f64[3] = total flops of A B, largest row flops, rows above hashMax (stops past limit) */
  spgemmFlops(m: number, aRp: number, aCi: number, bRp: number, hashMax: number, limit: number, stats: number): void;
  /** cRp = row pointers of A B; returns nnz(C) (a count > 2^31 - 1 on overflow) */
  spgemmSymbolic(m: number, n: number, aRp: number, aCi: number, bRp: number, bCi: number, cRp: number,
    marker: number, table: number, hashMax: number, stats: number): number;
  /** C = A B into the pattern sized by spgemmSymbolic */
  spgemmNumeric(m: number, n: number, aRp: number, aCi: number, aVal: number, bRp: number, bCi: number, bVal: number,
    cRp: number, cCi: number, cVal: number, pos: number, keys: number, tvals: number, tmpKeys: number, tmpVals: number,
    hashMax: number, sorted: number, deferSort: number): void;
  /** C = A B values on C's known pattern; returns the contributions outside it (0 unless patterns changed) */
  spgemmRecompute(m: number, aRp: number, aCi: number, aVal: number, bRp: number, bCi: number, bVal: number,
    cRp: number, cCi: number, cVal: number, pos: number): number;

  // ---- assembly/ops.ts
  /** cRp = row pointers of pattern(A) | pattern(B); returns nnz (> 2^31 - 1 on overflow) */
  csrUnionCount(m: number, aRp: number, aCi: number, bRp: number, bCi: number, cRp: number): number;
  /** C = alpha A + beta B on the union pattern */
  csrAddFill(m: number, aRp: number, aCi: number, aVal: number, bRp: number, bCi: number, bVal: number,
    cRp: number, cCi: number, cVal: number, alpha: number, beta: number): void;
  /** cRp = row pointers of pattern(A) & pattern(B); returns nnz */
  csrIntersectCount(m: number, aRp: number, aCi: number, bRp: number, bCi: number, cRp: number): number;
  /** C = A .* B on the intersection pattern */
  csrHadamardFill(m: number, aRp: number, aCi: number, aVal: number, bRp: number, bCi: number, bVal: number,
    cRp: number, cCi: number, cVal: number): void;
  /** cRp = row pointers of A without |a_ij| <= tol (diagonal kept when keepDiag); returns nnz */
  csrDropCount(m: number, aRp: number, aCi: number, aVal: number, tol: number, keepDiag: number, cRp: number): number;
  /** C = A without |a_ij| <= tol, into cRp from csrDropCount */
  csrDropFill(m: number, aRp: number, aCi: number, aVal: number, tol: number, keepDiag: number, cCi: number, cVal: number): void;
  /** out_p = map[ci_p] for p < nnz */
  csrRenumber(nnz: number, ci: number, map: number, out: number): void;
  /** B = A(rowPerm, :), rows re-sorted when resort */
  csrPermute(m: number, aRp: number, aCi: number, aVal: number, rowPerm: number, resort: number, cRp: number, cCi: number, cVal: number,
    tmpKeys: number, tmpVals: number): void;
  /** inv[p_i] = i; returns -1 for a permutation, else i (p_i repeats) or -(i + 2) (p_i out of range) */
  permInverse(n: number, p: number, inv: number): number;
  /** out i32[2] = max (i - j) over j <= i, max (j - i) over j >= i */
  csrBandwidth(m: number, aRp: number, aCi: number, out: number): void;
  /** sorts every row by column in place */
  csrSortRows(m: number, rp: number, ci: number, val: number, keys: number, tmpVal: number): void;
  /** 1 if every alpha x_i is finite, else 0 */
  allFiniteScaled(n: number, alpha: number, x: number): number;

  // ---- assembly/rcm.ts
  /** perm = reverse Cuthill-McKee order of a symmetric pattern; returns the number of components */
  rcmOrder(n: number, rp: number, ci: number, perm: number, deg: number, byDeg: number, mark: number,
    queue: number, buckets: number, keys: number, out: number): number;

  // ---- assembly/trsv.ts
  /** diagPos_i = position of a_ii, or ~q when absent; returns the number of missing diagonals */
  csrDiagonalSplit(n: number, rowPtr: number, colIdx: number, diagPos: number): number;
  /** row pointers of the strictly lower / upper parts (0 skips one); returns nnz of the lower part */
  csrTriangleRowPtr(n: number, rowPtr: number, diagPos: number, lowerPtr: number, upperPtr: number): number;
  /** column indices of the strictly lower / upper parts (0 skips one) */
  csrTriangleCols(n: number, rowPtr: number, colIdx: number, diagPos: number, lowerPtr: number, lowerCol: number,
    upperPtr: number, upperCol: number): void;
  /** y = L^-1 r, L unit lower given by its strictly lower part (y may be r) */
  trsvLowerUnit(n: number, ptr: number, col: number, val: number, r: number, y: number): void;
  /** y_i = r_i d_i - sum_{j<i} S_ij y_j (y may be r) */
  trsvLowerScaled(n: number, ptr: number, col: number, val: number, d: number, r: number, y: number): void;
  /** z_i = y_i d_i - sum_{j>i} S_ij z_j (z may be y) */
  trsvUpperScaled(n: number, ptr: number, col: number, val: number, d: number, y: number, z: number): void;
  /** z = L^-T y for the scaled lower triangle, column-oriented over L's rows (z may be y) */
  trsvLowerTransposedScaled(n: number, ptr: number, col: number, val: number, d: number, y: number, z: number): void;

  // ---- assembly/ic0.ts
  /** IC(0) of A + alpha diag(s); returns -1, or the row of the first bad pivot (its value to out) */
  ic0Factor(n: number, rowPtr: number, vals: number, diagPos: number,
    lPtr: number, lCol: number, lVal: number, d: number, alpha: number, out: number): number;

  // ---- assembly/ilu0.ts
  /** ILU(0) of A, bad pivots shifted or stopping; status block at out; returns the shifted pivots */
  ilu0Factor(n: number, rowPtr: number, colIdx: number, vals: number, diagPos: number,
    lPtr: number, lCol: number, lVal: number, uPtr: number, uCol: number, uVal: number, d: number, iw: number,
    stopOnBad: number, shift: number, out: number): number;

  // ---- assembly/ilut.ts
  /** ILUT(tau, fill) of rows start..n-1 of A; status block at out; returns the status code */
  ilutFactor(n: number, rowPtr: number, colIdx: number, vals: number, tau: number, fill: number,
    lPtr: number, lCol: number, lVal: number, capL: number, uPtr: number, uCol: number, uVal: number, capU: number, d: number,
    w: number, marks: number, heap: number, lst: number, ulst: number, start: number, stopOnBad: number, shift: number, out: number): number;

  // ---- assembly/ssor.ts
  /** invD_i = 1 / a_ii (zero diagonals become 1 or stop); returns -1 or the row it stopped at */
  ssorDiagonal(n: number, vals: number, diagPos: number, invD: number, replaceZero: number, out: number): number;
  /** 1 if A == A^T exactly, else 0 */
  csrIsSymmetric(n: number, rowPtr: number, colIdx: number, vals: number, diagPos: number): number;
  /** z = M^-1 r for SSOR(omega) */
  ssorApply(n: number, rowPtr: number, colIdx: number, vals: number, diagPos: number, invD: number, omega: number, r: number, z: number): void;

  // ---- assembly/block.ts (W, C, V: k columns of length n, contiguous; F32: stored as f32)
  /** out_j = W_j . v; returns v . v (plain squares) */
  multiDot(W: number, k: number, n: number, v: number, out: number): number;
  /** v -= C y */
  multiAxpy(C: number, k: number, n: number, y: number, v: number): void;
  /** v -= C y; returns the new v . v */
  multiAxpySumsq(C: number, k: number, n: number, y: number, v: number): number;
  /** w -= V y; out = V^T w (new w); returns w . w (out must not overlap y) */
  multiAxpyDot(V: number, k: number, n: number, y: number, w: number, out: number): number;
  /** multiDot with W stored as f32 */
  multiDotF32(W: number, k: number, n: number, v: number, out: number): number;
  /** multiAxpy with C stored as f32 */
  multiAxpyF32(C: number, k: number, n: number, y: number, v: number): void;
  /** multiAxpySumsq with C stored as f32 */
  multiAxpySumsqF32(C: number, k: number, n: number, y: number, v: number): number;
  /** y32_i = f32(x_i), rounded to nearest */
  demoteF64(n: number, x: number, y32: number): void;
  /** y_i = f64(x32_i) */
  promoteF32(n: number, x32: number, y: number): void;

  // ---- assembly/dense_front.ts (front: m x m lower; columns < ncol in L's block, the rest in W)
  /** doubles each pack buffer of frontFactor needs for a front of m rows */
  frontPackSize(m: number): number;
  /** partial dense LL^T (LDL^T when ldlt = 1) of a front's first ncol columns, U = F22 - L21 L21^T; returns -1 or the failing column */
  frontFactor(m: number, ncol: number, colL: number, colW: number, ldlt: number, packA: number, packB: number, pivotOut: number): number;

  // ---- assembly/cholesky.ts (supernodal multifrontal Cholesky on C = P A P^T, postordered)
  /** Cx_k = vals[src_k]; returns -1 or the first k whose value is not finite */
  cholGather(nnz: number, src: number, vals: number, Cx: number): number;
  /** C = L L^T (or L D L^T) over the supernodes; returns -1 or the (permuted) column whose pivot failed */
  cholFactor(ns: number, superCol: number, superRowPtr: number, rowIdx: number, lOff: number, Lx: number, nchild: number,
    Cp: number, Ci: number, Cx: number, map: number, rel: number, W: number, stack: number, stackIds: number,
    packA: number, packB: number, ldlt: number, out: number): number;
  /** x = C^-1 x in place with the factor of cholFactor */
  cholSolve(ns: number, superCol: number, superRowPtr: number, rowIdx: number, lOff: number, Lx: number, ldlt: number, x: number, tmp: number): void;
  /** y_k = x_perm[k] (forward = 1) or y_perm[k] = x_k (forward = 0) */
  cholPermute(n: number, perm: number, x: number, y: number, forward: number): void;
  // ---- assembly/lu.ts (CSC factors: L unit diagonal first, U pivot last, F off-diagonal blocks; 0 = none)
  /** P A Q = L U (threshold partial pivoting, Gilbert-Peierls) from column start; status block at out; returns the status */
  luFactor(n: number, Ap: number, Ai: number, Ax: number, q: number, pref: number, rowBlock: number, colBlock: number,
    threshold: number, Lp: number, Li: number, Lx: number, capL: number, Up: number, Ui: number, Ux: number, capU: number,
    Fp: number, Fi: number, Fx: number, pinv: number, x: number, tmp: number, xi: number, marks: number, snode: number,
    start: number, out: number): number;
  /** the same factorization for new values with the pivot order and patterns kept; returns the status */
  luRefactor(n: number, Ap: number, Ai: number, Ax: number, q: number, rowBlock: number, colBlock: number,
    threshold: number, Lp: number, Li: number, Lx: number, Up: number, Ui: number, Ux: number, Fp: number, Fx: number,
    pinv: number, x: number, tmp: number, snode: number, out: number): number;
  /** x = A^-1 b = Q U^-1 L^-1 P b (block back-substitution) */
  luSolve(n: number, nb: number, blocks: number, Lp: number, Li: number, Lx: number, Up: number, Ui: number, Ux: number,
    Fp: number, Fi: number, Fx: number, pinv: number, q: number, b: number, x: number, w: number): void;
  /** x = A^-T b */
  luSolveTransposed(n: number, nb: number, blocks: number, Lp: number, Li: number, Lx: number, Up: number, Ui: number, Ux: number,
    Fp: number, Fi: number, Fx: number, pinv: number, q: number, b: number, x: number, w: number): void;

  // ---- assembly/spmm.ts (blocks row-major: entry (i, j) at i*k + j)
  /** Y = A X for k vectors (X cols x k, Y rows x k); order 0: row sums in turn, 1: the SIMD csrSpmv's grouping */
  csrSpmm(rows: number, rowPtr: number, colIdx: number, vals: number, k: number, X: number, Y: number, order: number): void;
  /** Y = A X as csrSpmm (A square) and out_j = X_j . Y_j in dot's order (acc: 8k float64s) */
  csrSpmmDot(rows: number, rowPtr: number, colIdx: number, vals: number, k: number, X: number, Y: number, order: number, acc: number, out: number): void;

  // ---- assembly/multivec.ts (n x k blocks, row-major; acc: scratch of 8k float64s)
  /** out_j = X_j . Y_j (dot's summation order per column) */
  mvDot(n: number, k: number, X: number, Y: number, acc: number, out: number): void;
  /** X_j += alpha_j P_j; R_j -= alpha_j Q_j; out_j = R_j . R_j (cgStep's order); NaN alpha_j: column j untouched */
  mvCgStep(n: number, k: number, alpha: number, P: number, Q: number, X: number, R: number, acc: number, out: number): void;
  /** Y_j = X_j + beta_j Y_j; NaN beta_j: column j untouched */
  mvXpby(n: number, k: number, X: number, beta: number, Y: number): void;
  /** Z_ij = invDiag_i R_ij */
  mvJacobi(n: number, k: number, invDiag: number, R: number, Z: number): void;
  /** x = column j of X */
  mvGetColumn(n: number, k: number, j: number, X: number, x: number): void;
  /** column j of X = x */
  mvSetColumn(n: number, k: number, j: number, x: number, X: number): void;
  /** X (n x k) becomes n x kk holding the columns keep[0..kk) (i32, increasing), in place */
  mvCompact(n: number, k: number, keep: number, kk: number, X: number): void;

  // ---- assembly/trsm.ts (the trsv.ts solves on n x k blocks, row-major)
  /** Y = L^-1 R, L unit lower given by its strictly lower part (Y may be R) */
  trsmLowerUnit(n: number, k: number, ptr: number, col: number, val: number, R: number, Y: number): void;
  /** Y_i = R_i d_i - sum_{j<i} S_ij Y_j (Y may be R) */
  trsmLowerScaled(n: number, k: number, ptr: number, col: number, val: number, d: number, R: number, Y: number): void;
  /** Z_i = Y_i d_i - sum_{j>i} S_ij Z_j (Z may be Y) */
  trsmUpperScaled(n: number, k: number, ptr: number, col: number, val: number, d: number, Y: number, Z: number): void;
  /** Z = L^-T Y for the scaled lower triangle (Z may be Y) */
  trsmLowerTransposedScaled(n: number, k: number, ptr: number, col: number, val: number, d: number, Y: number, Z: number): void;
}

/** Name of one wasm kernel. */
export type KernelName = keyof Kernels;
