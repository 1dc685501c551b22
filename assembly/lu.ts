// lu.ts: sparse LU with threshold partial pivoting, left-looking (Gilbert-Peierls, as in CSparse's
// cs_lu and KLU): for each column k of A Q (col = q[k]):
//   reach  = the rows x = L \ A(:,col) can touch (depth-first search in the graph of L, topological)
//   x      = L \ A(:,col)                    (sparse triangular solve over the reach)
//   pivot  = the preferred row if |x_pref| >= threshold max|x_i| over the unpivoted rows, else the max
//   U(:,k) = x on the pivoted rows (diagonal last), L(:,k) = x on the others / pivot (unit diagonal first)
// Optional block triangular form: rows of earlier blocks than the column's (rowBlock[i] < colBlock)
// are not eliminated but kept in F (the off-diagonal blocks, used as they are in the block solve).
//
// Storage (all CSC, 0-based): L(:,k) in Li/Lx[Lp[k]..Lp[k+1]) with the unit diagonal first, row
// indices original rows during the factorization and pivot steps after it; U(:,k) in
// Ui/Ux[Up[k]..Up[k+1]) with pivot-step row indices in topological order and the pivot last;
// F(:,k) likewise with pivot-step rows. pinv[i] = step at which original row i was pivoted.
// The output arrays have capacities; when a column does not fit, the kernel stops before writing
// it (status FACTOR_OUTPUT_FULL, LU_OUT_COLUMN) and the caller grows them and resumes there.

import { ldf, ldi, stf, sti } from './ptr';
import {
  FACTOR_OK, FACTOR_BAD_PIVOT, FACTOR_NOT_FINITE, FACTOR_OUTPUT_FULL,
  LU_OUT_STATUS, LU_OUT_COLUMN, LU_OUT_VALUE, LU_OUT_CANDIDATES, LU_OUT_UNSTABLE, LU_OUT_MIN_RATIO,
} from './status';

@inline function report(out: usize, status: i32, col: i32, value: f64, candidates: i32): i32 {
  store<i32>(out + LU_OUT_STATUS, status);
  store<i32>(out + LU_OUT_COLUMN, col);
  store<f64>(out + LU_OUT_VALUE, value);
  store<i32>(out + LU_OUT_CANDIDATES, candidates);
  return status;
}

/**
 * Depth-first search from row j in the graph of L (row i -> rows of L(:,pinv[i]) when i is
 * pivoted; only the rows before Lpend[J] of a pruned column J, only the next pivot row inside a
 * supernode); pushes finished rows on
 * xi[top..) downwards. stack (= xi's second half) holds the path, pstack the resume positions.
 * Returns the new top.
 */
function dfs(j: i32, Lp: usize, Li: usize, Lpend: usize, superStart: usize, superEnd: usize, pinv: usize, marks: usize,
  stamp: i32, xi: usize, top: i32, stack: usize, pstack: usize): i32 {
  let head = 0;
  sti(stack, 0, j);
  while (head >= 0) {
    j = ldi(stack, head);
    const jnew = ldi(pinv, j);
    if (ldi(marks, j) != stamp) {
      sti(marks, j, stamp);
      sti(pstack, head, jnew < 0 ? 0 : ldi(Lp, jnew) + 1); // +1: skip the unit diagonal (row j itself)
    }
    let done = true;
    if (jnew >= 0) {
      const pend = ldi(Lpend, jnew);
      // inside a supernode the next column's pivot row (stored second) leads to all the others
      const end = jnew < ldi(superEnd, ldi(superStart, jnew)) ? ldi(Lp, jnew) + 2 : pend >= 0 ? pend : ldi(Lp, jnew + 1);
      let p = ldi(pstack, head);
      for (; p < end; p++) {
        const i = ldi(Li, p);
        if (ldi(marks, i) == stamp) continue;
        sti(pstack, head, p + 1); // resume after i when j is on top again
        sti(stack, ++head, i);
        done = false;
        break;
      }
    }
    if (done) {
      head--;
      sti(xi, --top, j);
    }
  }
  return top;
}

/**
 * Applies the columns j0..l of one supernode of L (consecutive columns whose rows below the
 * diagonal block are the same, stored as: the diagonal row, the rows of the later columns' pivots
 * in order, then the common rows R in one order) to x: the triangular part column by column, the
 * R part as one dense product tmp = L(R, j0..l) x(j0..l) (contiguous, SIMD) scattered once.
 * Row indices as stored in Li (original rows while factoring, pivot steps after).
 */
function superUpdate(x: usize, Lp: usize, Li: usize, Lx: usize, j0: i32, l: i32, tmp: usize): void {
  for (let j = j0; j < l; j++) {
    const base = ldi(Lp, j);
    const xj = ldf(x, ldi(Li, base));
    if (xj == 0) continue;
    const e = base + 1 + (l - j);
    for (let t = base + 1; t < e; t++) {
      const i = ldi(Li, t);
      stf(x, i, ldf(x, i) - ldf(Lx, t) * xj);
    }
  }
  const rBase = ldi(Lp, l) + 1, nR = ldi(Lp, l + 1) - rBase;
  if (nR == 0) return;
  for (let i = 0; i < nR; i++) stf(tmp, i, 0);
  let j = j0;
  for (; j + 1 <= l; j += 2) { // two columns per pass over tmp
    const a = ldf(x, ldi(Li, ldi(Lp, j))), b = ldf(x, ldi(Li, ldi(Lp, j + 1)));
    const ca = Lx + (<usize>(ldi(Lp, j) + 1 + (l - j)) << 3), cb = Lx + (<usize>(ldi(Lp, j + 1) + 1 + (l - j - 1)) << 3);
    axpy2(nR, a, ca, b, cb, tmp);
  }
  if (j == l) {
    const a = ldf(x, ldi(Li, ldi(Lp, j)));
    axpy2(nR, a, Lx + (<usize>(ldi(Lp, j) + 1) << 3), 0, Lx + (<usize>(ldi(Lp, j) + 1) << 3), tmp);
  }
  for (let i = 0; i < nR; i++) {
    const r = ldi(Li, rBase + i);
    stf(x, r, ldf(x, r) - ldf(tmp, i));
  }
}

/** y += a u + b v over n contiguous f64 (unaligned v128 loads). */
@inline function axpy2(n: i32, a: f64, u: usize, b: f64, v: usize, y: usize): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const va = f64x2.splat(a), vb = f64x2.splat(b);
    for (; i + 2 <= n; i += 2) {
      const o = <usize>i << 3;
      const r = f64x2.add(v128.load(y + o), f64x2.add(f64x2.mul(va, v128.load(u + o)), f64x2.mul(vb, v128.load(v + o))));
      v128.store(y + o, r);
    }
  }
  // rounded as the SIMD lanes (a row's position, hence its path, may differ between factor and refactor)
  for (; i < n; i++) stf(y, i, ldf(y, i) + (a * ldf(u, i) + b * ldf(v, i)));
}

/**
 * Numeric LU of A Q (A n x n in CSC: Ap/Ai/Ax) from column `start` (0 on the first call; the column
 * reported by FACTOR_OUTPUT_FULL when resuming). q: column order; pref[k]: the row preferred as
 * pivot of column k (-1: none); rowBlock/colBlock (0 = no block form): i32[n] block start of each
 * original row / of each column step. x, tmp: f64[n] workspaces (x zero, left zero); xi: i32[3n];
 * marks: i32[3n] (marks, the pruned ends Lpend of the L columns, marks of a supernode's rows);
 * snode: i32[2n] kept for luRefactor (superStart[j]: first column of j's supernode; superEnd[f]:
 * its last column). Column k joins the supernode of column k-1 when its pivot row is in L(:,k-1)
 * and its other rows are exactly the rest of L(:,k-1).
 * Returns FACTOR_OK, FACTOR_BAD_PIVOT (no nonzero pivot candidate in LU_OUT_COLUMN;
 * LU_OUT_CANDIDATES = how many unpivoted rows the column reaches, 0 = structurally singular),
 * FACTOR_NOT_FINITE or FACTOR_OUTPUT_FULL. On FACTOR_OK the row indices of L are pivot steps.
 */
export function luFactor(n: i32, Ap: usize, Ai: usize, Ax: usize, q: usize, pref: usize, rowBlock: usize, colBlock: usize,
  threshold: f64, Lp: usize, Li: usize, Lx: usize, capL: i32, Up: usize, Ui: usize, Ux: usize, capU: i32,
  Fp: usize, Fi: usize, Fx: usize, pinv: usize, x: usize, tmp: usize, xi: usize, marks: usize, snode: usize,
  start: i32, out: usize): i32 {
  const stack = xi + (<usize>n << 2), pstack = xi + (<usize>n << 3);
  const Lpend = marks + (<usize>n << 2), inL = marks + (<usize>n << 3);
  const superStart = snode, superEnd = snode + (<usize>n << 2);
  if (start == 0) {
    for (let i = 0; i < n; i++) { sti(pinv, i, -1); sti(marks, i, -1); sti(Lpend, i, -1); sti(inL, i, -1); stf(x, i, 0); }
    sti(Lp, 0, 0); sti(Up, 0, 0);
    if (Fp != 0) sti(Fp, 0, 0);
  }
  let lnz = ldi(Lp, start), unz = ldi(Up, start), fnz = Fp != 0 ? ldi(Fp, start) : 0;
  for (let k = start; k < n; k++) {
    const col = ldi(q, k);
    const blockStart = colBlock != 0 ? ldi(colBlock, k) : 0;
    const p0 = ldi(Ap, col), p1 = ldi(Ap, col + 1);
    // symbolic: the reach of A(:,col) in the graph of L, restricted to this block's rows
    let top = n;
    for (let p = p0; p < p1; p++) {
      const i = ldi(Ai, p);
      if (rowBlock != 0 && ldi(rowBlock, i) < blockStart) continue;
      if (ldi(marks, i) != k) top = dfs(i, Lp, Li, Lpend, superStart, superEnd, pinv, marks, k, xi, top, stack, pstack);
    }
    const reach = n - top;
    if (lnz + reach > capL || unz + reach > capU) {
      for (let p = top; p < n; p++) sti(marks, ldi(xi, p), -1); // unmark: the column is redone
      return report(out, FACTOR_OUTPUT_FULL, k, 0, 0);
    }
    // numeric: x = L \ A(:,col); entries of earlier blocks go to F
    for (let p = p0; p < p1; p++) {
      const i = ldi(Ai, p);
      if (rowBlock != 0 && ldi(rowBlock, i) < blockStart) {
        sti(Fi, fnz, ldi(pinv, i)); stf(Fx, fnz++, ldf(Ax, p));
      } else {
        stf(x, i, ldf(Ax, p));
      }
    }
    if (Fp != 0) sti(Fp, k + 1, fnz);
    // in topological order; a supernode's columns wait for its last one (nothing in between reads
    // what they write) and are applied together
    for (let p = top; p < n; p++) {
      const J = ldi(pinv, ldi(xi, p));
      if (J < 0) continue;
      const f = ldi(superStart, J), l = ldi(superEnd, f);
      if (l > f) {
        if (J != l) continue;
        let j0 = l;
        while (j0 > f && ldi(marks, ldi(Li, ldi(Lp, j0 - 1))) == k) j0--;
        superUpdate(x, Lp, Li, Lx, j0, l, tmp);
        continue;
      }
      const xj = ldf(x, ldi(xi, p));
      if (xj == 0) continue;
      const e = ldi(Lp, J + 1);
      for (let t = ldi(Lp, J) + 1; t < e; t++) {
        const i = ldi(Li, t);
        stf(x, i, ldf(x, i) - ldf(Lx, t) * xj);
      }
    }
    // pivot search over the unpivoted rows; U(:,k) from the pivoted ones in the order applied
    let ipiv = -1, amax: f64 = -1, candidates = 0;
    let finite = true;
    for (let p = top; p < n; p++) {
      const i = ldi(xi, p);
      const xv = ldf(x, i);
      if (!isFinite(xv)) finite = false;
      const J = ldi(pinv, i);
      if (J < 0) {
        candidates++;
        const a = abs(xv);
        if (a > amax) { amax = a; ipiv = i; }
        continue;
      }
      const f = ldi(superStart, J), l = ldi(superEnd, f);
      if (l > f) {
        if (J != l) continue;
        let j0 = l;
        while (j0 > f && ldi(marks, ldi(Li, ldi(Lp, j0 - 1))) == k) j0--;
        for (let j = j0; j <= l; j++) { sti(Ui, unz, j); stf(Ux, unz++, ldf(x, ldi(Li, ldi(Lp, j)))); }
        continue;
      }
      sti(Ui, unz, J); stf(Ux, unz++, xv);
    }
    if (!finite) {
      for (let p = top; p < n; p++) stf(x, ldi(xi, p), 0);
      return report(out, FACTOR_NOT_FINITE, k, NaN, candidates);
    }
    if (ipiv < 0 || amax <= 0) {
      for (let p = top; p < n; p++) stf(x, ldi(xi, p), 0);
      return report(out, FACTOR_BAD_PIVOT, k, amax < 0 ? 0 : amax, candidates);
    }
    const pr = pref != 0 ? ldi(pref, k) : -1;
    if (pr >= 0 && ldi(pinv, pr) < 0 && ldi(marks, pr) == k && abs(ldf(x, pr)) >= threshold * amax) ipiv = pr;
    const pivot = ldf(x, ipiv);
    sti(Ui, unz, k); stf(Ux, unz++, pivot);
    sti(pinv, ipiv, k);
    const inv = 1 / pivot;
    // does column k continue the supernode of column k-1? (its pivot row in L(:,k-1), its other
    // rows exactly the rest of L(:,k-1): the same count, all marked)
    let joins = false;
    const prev = k - 1;
    if (k > 0 && (colBlock == 0 || ldi(colBlock, prev) == blockStart)) {
      const b0 = ldi(Lp, prev) + 1, b1 = ldi(Lp, prev + 1);
      let rest = 0;
      for (let p = top; p < n; p++) { const i = ldi(xi, p); if (ldi(pinv, i) < 0) rest++; }
      if (rest == b1 - b0 - 1 && ldi(Lpend, prev) < 0) {
        for (let t = b0; t < b1; t++) sti(inL, ldi(Li, t), k);
        if (ldi(inL, ipiv) == k) {
          joins = true;
          for (let p = top; p < n; p++) {
            const i = ldi(xi, p);
            if (ldi(pinv, i) < 0 && ldi(inL, i) != k) { joins = false; break; }
          }
        }
      }
    }
    sti(Li, lnz, ipiv); stf(Lx, lnz++, 1);
    if (joins) {
      // move ipiv to the front of the common rows in every column of the supernode (the same swap
      // in each keeps one order), then write column k in that order
      const f = ldi(superStart, prev);
      const b0 = ldi(Lp, prev) + 1, b1 = ldi(Lp, prev + 1);
      let t = b0;
      while (ldi(Li, t) != ipiv) t++;
      const off = t - b0;
      for (let j = f; j <= prev; j++) {
        const r0 = ldi(Lp, j) + 1 + (prev - j);
        const a = r0, c = r0 + off;
        const ri = ldi(Li, a), rv = ldf(Lx, a);
        sti(Li, a, ldi(Li, c)); stf(Lx, a, ldf(Lx, c));
        sti(Li, c, ri); stf(Lx, c, rv);
      }
      for (let t2 = b0 + 1; t2 < b1; t2++) {
        const i = ldi(Li, t2);
        sti(Li, lnz, i); stf(Lx, lnz++, ldf(x, i) * inv);
      }
      for (let p = top; p < n; p++) stf(x, ldi(xi, p), 0);
      sti(superStart, k, f); sti(superEnd, f, k);
    } else {
      for (let p = top; p < n; p++) {
        const i = ldi(xi, p);
        if (ldi(pinv, i) < 0) { sti(Li, lnz, i); stf(Lx, lnz++, ldf(x, i) * inv); }
        stf(x, i, 0);
      }
      sti(superStart, k, k); sti(superEnd, k, k);
    }
    sti(Lp, k + 1, lnz);
    sti(Up, k + 1, unz);
    // symmetric pruning (Eisenstat-Liu, as KLU): when L(ipiv, j) != 0 for a j in U(:,k), the
    // unpivoted rows of L(:,j) are reachable through ipiv and L(:,k): later searches from j need
    // only its pivoted rows, which move to the front (Lpend[j] ends them). Inside a supernode only
    // its last column is searched; pruning it permutes the common rows of every column alike.
    const u1 = unz - 1;
    for (let p = ldi(Up, k); p < u1; p++) {
      const j = ldi(Ui, p);
      if (ldi(Lpend, j) >= 0) continue;
      const f = ldi(superStart, j);
      if (ldi(superEnd, f) != j) continue;
      const t0 = ldi(Lp, j) + 1, t1 = ldi(Lp, j + 1);
      let found = false;
      for (let t = t0; t < t1; t++) if (ldi(Li, t) == ipiv) { found = true; break; }
      if (!found) continue;
      let head = t0, tail = t1;
      while (head < tail) {
        const i = ldi(Li, head);
        if (ldi(pinv, i) >= 0) { head++; continue; }
        tail--;
        for (let jj = f; jj <= j; jj++) { // the same swap in every column of the supernode
          const d = ldi(Lp, jj) + 1 + (j - jj) - t0;
          const a = head + d, c = tail + d;
          const ai = ldi(Li, a), av = ldf(Lx, a);
          sti(Li, a, ldi(Li, c)); stf(Lx, a, ldf(Lx, c));
          sti(Li, c, ai); stf(Lx, c, av);
        }
      }
      sti(Lpend, j, tail);
    }
  }
  for (let p = 0; p < lnz; p++) sti(Li, p, ldi(pinv, ldi(Li, p))); // rows -> pivot steps
  return report(out, FACTOR_OK, -1, 0, 0);
}

/**
 * Numeric refactorization with the pivot order and the L, U, F patterns of an earlier luFactor
 * (new values Ax in the same CSC pattern). Allocates nothing. A pivot with |u_kk| < threshold
 * max_i |l_ik u_kk| (the pivot the fresh search would not have kept) counts as unstable:
 * LU_OUT_UNSTABLE counts them, LU_OUT_COLUMN is the first (-1: none), LU_OUT_MIN_RATIO the
 * smallest |u_kk| / max(|u_kk|, max_i |x_i|). Returns FACTOR_OK, FACTOR_BAD_PIVOT (zero pivot)
 * or FACTOR_NOT_FINITE, with the column in LU_OUT_COLUMN.
 */
export function luRefactor(n: i32, Ap: usize, Ai: usize, Ax: usize, q: usize, rowBlock: usize, colBlock: usize,
  threshold: f64, Lp: usize, Li: usize, Lx: usize, Up: usize, Ui: usize, Ux: usize, Fp: usize, Fx: usize,
  pinv: usize, x: usize, tmp: usize, snode: usize, out: usize): i32 {
  const superStart = snode, superEnd = snode + (<usize>n << 2);
  let unstable = 0, first = -1;
  let minRatio: f64 = 1;
  let fnz = 0;
  for (let k = 0; k < n; k++) {
    const col = ldi(q, k);
    const blockStart = colBlock != 0 ? ldi(colBlock, k) : 0;
    const p1 = ldi(Ap, col + 1);
    for (let p = ldi(Ap, col); p < p1; p++) {
      const i = ldi(Ai, p);
      if (rowBlock != 0 && ldi(rowBlock, i) < blockStart) stf(Fx, fnz++, ldf(Ax, p)); // same order as luFactor
      else stf(x, ldi(pinv, i), ldf(Ax, p));
    }
    const u1 = ldi(Up, k + 1) - 1; // the pivot's slot
    for (let p = ldi(Up, k); p < u1; p++) {
      const j = ldi(Ui, p);
      const f = ldi(superStart, j);
      let l = ldi(superEnd, f);
      if (l > k - 1) l = k - 1; // the supernode as it was when column k was factored
      if (l > f) { // a run j..l of U(:,k), applied as luFactor did
        superUpdate(x, Lp, Li, Lx, j, l, tmp);
        for (let jj = j; jj <= l; jj++) { stf(Ux, p++, ldf(x, jj)); stf(x, jj, 0); }
        p--;
        continue;
      }
      const xj = ldf(x, j);
      stf(Ux, p, xj);
      stf(x, j, 0);
      if (xj == 0) continue;
      const e = ldi(Lp, j + 1);
      for (let t = ldi(Lp, j) + 1; t < e; t++) {
        const i = ldi(Li, t);
        stf(x, i, ldf(x, i) - ldf(Lx, t) * xj);
      }
    }
    const pivot = ldf(x, k);
    stf(x, k, 0);
    stf(Ux, u1, pivot);
    const l0 = ldi(Lp, k) + 1, l1 = ldi(Lp, k + 1);
    let amax = abs(pivot);
    let finite = isFinite(pivot);
    for (let t = l0; t < l1; t++) {
      const v = ldf(x, ldi(Li, t));
      if (!isFinite(v)) finite = false;
      const a = abs(v);
      if (a > amax) amax = a;
    }
    if (!finite || pivot == 0) {
      for (let t = l0; t < l1; t++) stf(x, ldi(Li, t), 0);
      for (let p = k + 1; p < n; p++) stf(x, p, 0);
      store<i32>(out + LU_OUT_UNSTABLE, unstable);
      return report(out, finite ? FACTOR_BAD_PIVOT : FACTOR_NOT_FINITE, k, pivot, l1 - l0 + 1);
    }
    const ratio = abs(pivot) / amax;
    if (ratio < minRatio) minRatio = ratio;
    if (abs(pivot) < threshold * amax) {
      if (first < 0) first = k;
      unstable++;
    }
    const inv = 1 / pivot;
    for (let t = l0; t < l1; t++) {
      const i = ldi(Li, t);
      stf(Lx, t, ldf(x, i) * inv);
      stf(x, i, 0);
    }
  }
  store<i32>(out + LU_OUT_UNSTABLE, unstable);
  store<f64>(out + LU_OUT_MIN_RATIO, minRatio);
  return report(out, FACTOR_OK, first, 0, 0);
}

/**
 * x = A^-1 b = Q U^-1 L^-1 P b, by blocks from the last to the first (F: off-diagonal blocks;
 * blocks: i32[nb+1] column starts, nb = 1 and F = 0 without block form). w: f64[n] workspace.
 */
export function luSolve(n: i32, nb: i32, blocks: usize, Lp: usize, Li: usize, Lx: usize, Up: usize, Ui: usize, Ux: usize,
  Fp: usize, Fi: usize, Fx: usize, pinv: usize, q: usize, b: usize, x: usize, w: usize): void {
  for (let i = 0; i < n; i++) stf(w, ldi(pinv, i), ldf(b, i));
  for (let blk = nb - 1; blk >= 0; blk--) {
    const k0 = ldi(blocks, blk), k1 = ldi(blocks, blk + 1);
    for (let j = k0; j < k1; j++) { // L solve (unit diagonal first)
      const xj = ldf(w, j);
      if (xj == 0) continue;
      const e = ldi(Lp, j + 1);
      for (let t = ldi(Lp, j) + 1; t < e; t++) {
        const i = ldi(Li, t);
        stf(w, i, ldf(w, i) - ldf(Lx, t) * xj);
      }
    }
    for (let j = k1 - 1; j >= k0; j--) { // U solve (pivot last)
      const u1 = ldi(Up, j + 1) - 1;
      const xj = ldf(w, j) / ldf(Ux, u1);
      stf(w, j, xj);
      if (xj == 0) continue;
      for (let p = ldi(Up, j); p < u1; p++) {
        const i = ldi(Ui, p);
        stf(w, i, ldf(w, i) - ldf(Ux, p) * xj);
      }
    }
    if (Fp != 0) { // earlier blocks' right-hand sides -= F(:, block) x_block
      for (let j = k0; j < k1; j++) {
        const xj = ldf(w, j);
        const e = ldi(Fp, j + 1);
        for (let p = ldi(Fp, j); p < e; p++) {
          const i = ldi(Fi, p);
          stf(w, i, ldf(w, i) - ldf(Fx, p) * xj);
        }
      }
    }
  }
  for (let k = 0; k < n; k++) stf(x, ldi(q, k), ldf(w, k));
}

/**
 * x = A^-T b = P^T L^-T U^-T Q^T b, by blocks from the first to the last. Arguments as luSolve.
 */
export function luSolveTransposed(n: i32, nb: i32, blocks: usize, Lp: usize, Li: usize, Lx: usize, Up: usize, Ui: usize, Ux: usize,
  Fp: usize, Fi: usize, Fx: usize, pinv: usize, q: usize, b: usize, x: usize, w: usize): void {
  for (let k = 0; k < n; k++) stf(w, k, ldf(b, ldi(q, k)));
  for (let blk = 0; blk < nb; blk++) {
    const k0 = ldi(blocks, blk), k1 = ldi(blocks, blk + 1);
    if (Fp != 0) { // this block's right-hand side -= F(:, block)^T x of earlier blocks
      for (let j = k0; j < k1; j++) {
        let s = ldf(w, j);
        const e = ldi(Fp, j + 1);
        for (let p = ldi(Fp, j); p < e; p++) s -= ldf(Fx, p) * ldf(w, ldi(Fi, p));
        stf(w, j, s);
      }
    }
    for (let j = k0; j < k1; j++) { // U^T solve
      const u1 = ldi(Up, j + 1) - 1;
      let s = ldf(w, j);
      for (let p = ldi(Up, j); p < u1; p++) s -= ldf(Ux, p) * ldf(w, ldi(Ui, p));
      stf(w, j, s / ldf(Ux, u1));
    }
    for (let j = k1 - 1; j >= k0; j--) { // L^T solve
      let s = ldf(w, j);
      const e = ldi(Lp, j + 1);
      for (let t = ldi(Lp, j) + 1; t < e; t++) s -= ldf(Lx, t) * ldf(w, ldi(Li, t));
      stf(w, j, s);
    }
  }
  for (let i = 0; i < n; i++) stf(x, i, ldf(w, ldi(pinv, i)));
}
