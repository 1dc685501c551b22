// Structural operations on canonical CSR (sorted columns, no duplicates): sums with pattern
// union, elementwise products with pattern intersection, dropping small entries, permutations.
// Each output-producing operation is two-phase like SpGEMM: a count pass writes the output rowPtr
// (so the facade allocates exactly), a fill pass writes columns and values.

import { sortI64, sortPairs } from './sort';
import { ldf, ldi, ldl, stf, sti, stl } from './ptr';

const MAX_I32: i64 = 0x7fffffff;

/** cRp = rowPtr of the pattern union of A and B (m rows). Returns nnz, or a count > 2^31-1 on overflow. */
export function csrUnionCount(m: i32, aRp: usize, aCi: usize, bRp: usize, bCi: usize, cRp: usize): f64 {
  let total: i64 = 0;
  sti(cRp, 0, 0);
  for (let i = 0; i < m; i++) {
    let p = ldi(aRp, i), q = ldi(bRp, i);
    const pe = ldi(aRp, i + 1), qe = ldi(bRp, i + 1);
    let cnt = 0;
    while (p < pe && q < qe) {
      const a = ldi(aCi, p), b = ldi(bCi, q);
      if (a <= b) p++;
      if (b <= a) q++;
      cnt++;
    }
    total += <i64>(cnt + (pe - p) + (qe - q));
    if (total > MAX_I32) return <f64>total;
    sti(cRp, i + 1, <i32>total);
  }
  return <f64>total;
}

/** C = alpha A + beta B on the union pattern (cRp from csrUnionCount); entries present in one operand only are scaled copies. */
export function csrAddFill(
  m: i32, aRp: usize, aCi: usize, aVal: usize, bRp: usize, bCi: usize, bVal: usize,
  cRp: usize, cCi: usize, cVal: usize, alpha: f64, beta: f64,
): void {
  for (let i = 0; i < m; i++) {
    let p = ldi(aRp, i), q = ldi(bRp, i);
    const pe = ldi(aRp, i + 1), qe = ldi(bRp, i + 1);
    let t = ldi(cRp, i);
    while (p < pe && q < qe) {
      const a = ldi(aCi, p), b = ldi(bCi, q);
      if (a < b) {
        sti(cCi, t, a); stf(cVal, t, alpha * ldf(aVal, p)); p++;
      } else if (b < a) {
        sti(cCi, t, b); stf(cVal, t, beta * ldf(bVal, q)); q++;
      } else {
        sti(cCi, t, a); stf(cVal, t, alpha * ldf(aVal, p) + beta * ldf(bVal, q)); p++; q++;
      }
      t++;
    }
    for (; p < pe; p++, t++) { sti(cCi, t, ldi(aCi, p)); stf(cVal, t, alpha * ldf(aVal, p)); }
    for (; q < qe; q++, t++) { sti(cCi, t, ldi(bCi, q)); stf(cVal, t, beta * ldf(bVal, q)); }
  }
}

/** cRp = rowPtr of the pattern intersection of A and B. Returns nnz (never above min(nnz(A), nnz(B))). */
export function csrIntersectCount(m: i32, aRp: usize, aCi: usize, bRp: usize, bCi: usize, cRp: usize): i32 {
  let total = 0;
  sti(cRp, 0, 0);
  for (let i = 0; i < m; i++) {
    let p = ldi(aRp, i), q = ldi(bRp, i);
    const pe = ldi(aRp, i + 1), qe = ldi(bRp, i + 1);
    while (p < pe && q < qe) {
      const a = ldi(aCi, p), b = ldi(bCi, q);
      if (a == b) total++;
      if (a <= b) p++;
      if (b <= a) q++;
    }
    sti(cRp, i + 1, total);
  }
  return total;
}

/** C = A .* B on the intersection pattern (cRp from csrIntersectCount). */
export function csrHadamardFill(
  m: i32, aRp: usize, aCi: usize, aVal: usize, bRp: usize, bCi: usize, bVal: usize,
  cRp: usize, cCi: usize, cVal: usize,
): void {
  for (let i = 0; i < m; i++) {
    let p = ldi(aRp, i), q = ldi(bRp, i);
    const pe = ldi(aRp, i + 1), qe = ldi(bRp, i + 1);
    let t = ldi(cRp, i);
    while (p < pe && q < qe) {
      const a = ldi(aCi, p), b = ldi(bCi, q);
      if (a == b) {
        sti(cCi, t, a); stf(cVal, t, ldf(aVal, p) * ldf(bVal, q)); t++;
      }
      if (a <= b) p++;
      if (b <= a) q++;
    }
  }
}

@inline function keep(v: f64, tol: f64, col: i32, row: i32, keepDiag: i32): bool {
  return abs(v) > tol || (keepDiag != 0 && col == row);
}

/** cRp = rowPtr of A without the entries |a_ij| <= tol (the diagonal kept when keepDiag != 0). Returns nnz. */
export function csrDropCount(m: i32, aRp: usize, aCi: usize, aVal: usize, tol: f64, keepDiag: i32, cRp: usize): i32 {
  let total = 0;
  sti(cRp, 0, 0);
  for (let i = 0; i < m; i++) {
    const pe = ldi(aRp, i + 1);
    for (let p = ldi(aRp, i); p < pe; p++) if (keep(ldf(aVal, p), tol, ldi(aCi, p), i, keepDiag)) total++;
    sti(cRp, i + 1, total);
  }
  return total;
}

export function csrDropFill(
  m: i32, aRp: usize, aCi: usize, aVal: usize, tol: f64, keepDiag: i32, cCi: usize, cVal: usize,
): void {
  let t = 0;
  for (let i = 0; i < m; i++) {
    const pe = ldi(aRp, i + 1);
    for (let p = ldi(aRp, i); p < pe; p++) {
      const v = ldf(aVal, p), c = ldi(aCi, p);
      if (keep(v, tol, c, i, keepDiag)) { sti(cCi, t, c); stf(cVal, t, v); t++; }
    }
  }
}

/** out[p] = map[ci[p]] for p < nnz: column renumbering, a sequential pass of independent reads. */
export function csrRenumber(nnz: i32, ci: usize, map: usize, out: usize): void {
  for (let p = 0; p < nnz; p++) sti(out, p, ldi(map, ldi(ci, p)));
}

/**
 * B = A(rowPerm, :) with rows re-sorted when resort != 0 (after csrRenumber gave A new column
 * numbers): B's row i is A's row rowPerm[i] (rowPerm = 0: identity), copied, then its (col, value)
 * pairs ordered (tmpKeys: i64[max(longest row, RANK_MAX)], tmpVals: f64[same]). aVal must not
 * alias cVal.
 */
export function csrPermute(
  m: i32, aRp: usize, aCi: usize, aVal: usize, rowPerm: usize, resort: i32,
  cRp: usize, cCi: usize, cVal: usize, tmpKeys: usize, tmpVals: usize,
): void {
  sti(cRp, 0, 0);
  for (let i = 0; i < m; i++) {
    const r = rowPerm ? ldi(rowPerm, i) : i;
    sti(cRp, i + 1, ldi(cRp, i) + ldi(aRp, r + 1) - ldi(aRp, r));
  }
  // pass 1, the gather: rows of A in new order (random reads whose cache misses overlap, since
  // the loop does little else); ordering each row here would stall on every miss
  for (let i = 0; i < m; i++) {
    const r = rowPerm ? ldi(rowPerm, i) : i;
    const as = ldi(aRp, r), ae = ldi(aRp, r + 1);
    const cs = ldi(cRp, i);
    // a plain loop: memory.copy is a runtime call in V8, too dear for rows of a few entries
    for (let t = 0; t < ae - as; t++) { sti(cCi, cs + t, ldi(aCi, as + t)); stf(cVal, cs + t, ldf(aVal, as + t)); }
  }
  if (!resort) return;
  // pass 2: order each row in place, sequentially
  for (let i = 0; i < m; i++) {
    const cs = ldi(cRp, i), ce = ldi(cRp, i + 1);
    const len = ce - cs;
    if (len < 2) continue;
    if (len <= RANK_MAX) {
      // short rows: each entry goes straight to its rank among the row's (distinct) columns,
      // counted without branches (a comparison sort of a few random keys mispredicts at every
      // step: 2x slower here)
      for (let t = 0; t < len; t++) {
        sti(tmpKeys, t, ldi(cCi, cs + t));
        stf(tmpVals, t, ldf(cVal, cs + t));
      }
      for (let t = 0; t < len; t++) {
        const x = ldi(tmpKeys, t);
        let rank = 0;
        for (let u = 0; u < len; u++) rank += <i32>(ldi(tmpKeys, u) < x);
        sti(cCi, cs + rank, x);
        stf(cVal, cs + rank, ldf(tmpVals, t));
      }
    } else {
      sortPairs(cCi, cVal, cs, ce, tmpKeys, tmpVals);
    }
  }
}

/** rows up to this long are ordered by rank counting (len^2 branch-free compares) in csrPermute */
const RANK_MAX = 16;

/**
 * inv[p[i]] = i, checking that p (length n) is a permutation of 0..n-1. Returns -1 when it is;
 * else, for the first bad index i: i when p[i] repeats an earlier value, -(i + 2) when p[i] is
 * out of range. inv is overwritten either way.
 */
export function permInverse(n: i32, p: usize, inv: usize): i32 {
  memory.fill(inv, 0xff, <usize>n << 2);
  for (let i = 0; i < n; i++) {
    const v = ldi(p, i);
    if (<u32>v >= <u32>n) return -(i + 2);
    if (ldi(inv, v) >= 0) return i;
    sti(inv, v, i);
  }
  return -1;
}

/** Bandwidth statistics: out i32[2] = max (i - j) over entries with j <= i, max (j - i) over j >= i. */
export function csrBandwidth(m: i32, aRp: usize, aCi: usize, out: usize): void {
  let lower = 0, upper = 0;
  for (let i = 0; i < m; i++) {
    const ps = ldi(aRp, i), pe = ldi(aRp, i + 1);
    if (pe == ps) continue;
    // sorted rows: the extremes are the first and last entries
    const lo = i - ldi(aCi, ps), hi = ldi(aCi, pe - 1) - i;
    if (lo > lower) lower = lo;
    if (hi > upper) upper = hi;
  }
  sti(out, 0, lower);
  sti(out, 1, upper);
}

/**
 * Sorts every row of a CSR matrix by column in place (columns distinct within a row).
 * keys: i64[longest row], tmpVal: f64[longest row].
 */
export function csrSortRows(m: i32, rp: usize, ci: usize, val: usize, keys: usize, tmpVal: usize): void {
  for (let i = 0; i < m; i++) {
    const s = ldi(rp, i), e = ldi(rp, i + 1);
    const len = e - s;
    if (len < 2) continue;
    let isSorted = true;
    for (let p = s + 1; p < e; p++) if (ldi(ci, p) < ldi(ci, p - 1)) { isSorted = false; break; }
    if (isSorted) continue;
    for (let t = 0; t < len; t++) {
      stl(keys, t, (<i64>ldi(ci, s + t) << 32) | <i64>t);
      stf(tmpVal, t, ldf(val, s + t));
    }
    sortI64(keys, len);
    for (let t = 0; t < len; t++) {
      const packed = ldl(keys, t);
      sti(ci, s + t, <i32>(packed >>> 32));
      stf(val, s + t, ldf(tmpVal, <i32>(packed & 0xffffffff)));
    }
  }
}

/**
 * 1 when every alpha * x[i] (n f64) is finite, else 0 (alpha = 1: a check of x itself): y - y is
 * 0 for a finite y and NaN for NaN or +-Inf, and a sum stays NaN once it is. Four independent
 * SIMD accumulators keep the pass at memory speed (one scalar chain runs at add latency: ~8x
 * slower on 400k values). Used to refuse results that overflowed, and by scale() before it writes.
 */
export function allFiniteScaled(n: i32, alpha: f64, x: usize): i32 {
  let i = 0;
  let s: f64 = 0;
  if (ASC_FEATURE_SIMD) {
    const a = f64x2.splat(alpha);
    let a0 = f64x2.splat(0), a1 = f64x2.splat(0), a2 = f64x2.splat(0), a3 = f64x2.splat(0);
    const n8 = n & ~7;
    for (; i < n8; i += 8) {
      const p = x + (<usize>i << 3);
      const u0 = f64x2.mul(v128.load(p), a), u1 = f64x2.mul(v128.load(p, 16), a);
      const u2 = f64x2.mul(v128.load(p, 32), a), u3 = f64x2.mul(v128.load(p, 48), a);
      a0 = f64x2.add(a0, f64x2.sub(u0, u0));
      a1 = f64x2.add(a1, f64x2.sub(u1, u1));
      a2 = f64x2.add(a2, f64x2.sub(u2, u2));
      a3 = f64x2.add(a3, f64x2.sub(u3, u3));
    }
    a0 = f64x2.add(f64x2.add(a0, a1), f64x2.add(a2, a3));
    s = f64x2.extract_lane(a0, 0) + f64x2.extract_lane(a0, 1);
  } else {
    let s1: f64 = 0, s2: f64 = 0, s3: f64 = 0;
    const n4 = n & ~3;
    for (; i < n4; i += 4) {
      const u0 = ldf(x, i) * alpha, u1 = ldf(x, i + 1) * alpha, u2 = ldf(x, i + 2) * alpha, u3 = ldf(x, i + 3) * alpha;
      s += u0 - u0; s1 += u1 - u1; s2 += u2 - u2; s3 += u3 - u3;
    }
    s += s1 + s2 + s3;
  }
  for (; i < n; i++) { const u = ldf(x, i) * alpha; s += u - u; }
  return s == s ? 1 : 0;
}
