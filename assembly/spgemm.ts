// Sparse matrix-matrix product C = A B (Gustavson, row by row) in two phases:
//   spgemmSymbolic  counts each row's nonzeros and writes C's rowPtr (exact sizes, nothing else);
//   spgemmNumeric   fills C's colIdx and values into the exactly sized arrays;
//   spgemmRecompute redoes only the values for a known C pattern (A, B patterns unchanged).
// A is m x k, B is k x n, canonical CSR (sorted columns, no duplicates), i32 indices, f64 values.
//
// Accumulator, chosen per row from the row's flop count f_i = sum over A(i,j) != 0 of nnz(B(j,:)):
//  - f_i <= hashMax: a hash table (SMASH-style row-wise hashing): i32 column keys, open addressing
//    with linear probing, load factor <= 1/2 (at least 2 f_i slots in the symbolic phase, 2 nnz(C_i)
//    in the numeric phase). The hash is the column's low bits: a band of consecutive columns lands
//    in consecutive slots without collisions, and scattered columns are as good as random. (Measured:
//    Fibonacci hashing was no faster; keys stamped with the row number as i64, which avoid the
//    per-row clear, were 1.6-1.9x slower than i32 keys plus a SIMD clear of the used slots.)
//  - otherwise a dense accumulator: in the symbolic phase a marker i32[n] holding the last row
//    that touched each column; in the numeric phase a position map pos: i32[n] from column to its
//    slot in C's row (stale when < the row's start), so products accumulate straight into C's
//    value segment, which stays in L1, and no f64[n] SPA is needed. Both are initialised once per
//    call (lazily: not at all when every row hashes), not per row.
// The facade passes hashMax = 0 (every row dense) unless B is wide for the work of the product;
// why, and how both thresholds were measured: DEFAULT_HASH_MAX in src/matrix/spgemm.ts.
//
// Sorted output: the hash path appends each new column as (col << 32 | slot) into C's value
// segment (the row has exactly nnz(C_i) slots), sorts those i64 keys and unpacks col and value in
// place; the dense path sorts the (col, value) pairs of the row (insertion sort for short rows,
// which arrive as a few sorted runs; packed keys and quicksort for long ones), or, when the row's
// columns span less than scanLimit(nnz(C_i)), collects them by scanning the position map over the
// span. (Measured on 2D/3D Poisson and convection-diffusion: accumulating into C through the
// position map and sorting pairs is 16-20% faster than an f64[n] SPA, an i32 sort and a gather.)

import { sortI64, sortPairs } from './sort';
import { ldf, ldi, ldl, stf, sti, stl } from './ptr';

const MAX_I32: i64 = 0x7fffffff;
/**
 * Dense rows collect their columns by a sequential scan of the position map over their span when
 * the span is below this: the scan costs ~span reads, a sort ~cnt log2(cnt) compares and moves.
 */
@inline function scanLimit(cnt: i32): i32 {
  return cnt * (4 + 2 * (31 - clz<i32>(cnt)));
}

/** log2 of the hash table size for `cap` keys: the smallest power of two >= 2 cap, at least 8 slots. */
@inline function tableBits(cap: i32): u32 {
  const b = <u32>(32 - clz<i32>(cap * 2 - 1));
  return b < 3 ? 3 : b;
}

/** Sets slots [0, size) of an i32 table to -1 (empty); size is a power of two >= 8. */
@inline function clearTable(table: usize, size: i32): void {
  if (ASC_FEATURE_SIMD) {
    const e = table + (<usize>size << 2);
    for (let p = table; p < e; p += 32) {
      v128.store(p, i32x4.splat(-1));
      v128.store(p, i32x4.splat(-1), 16);
    }
  } else {
    const e = table + (<usize>size << 2);
    for (let p = table; p < e; p += 16) {
      store<i64>(p, -1);
      store<i64>(p, -1, 8);
    }
  }
}

/** flops of row i: sum of nnz(B(j,:)) over the entries of A(i,:) */
@inline function rowFlops(aCi: usize, bRp: usize, as: i32, ae: i32): i64 {
  let f: i64 = 0;
  for (let p = as; p < ae; p++) {
    const j = ldi(aCi, p);
    f += <i64>(ldi(bRp, j + 1) - ldi(bRp, j));
  }
  return f;
}

/** The row's flops when it takes the hash accumulator (f <= hashMax), else -1 (dense). */
@inline function hashFlops(aCi: usize, bRp: usize, as: i32, ae: i32, hashMax: i32): i64 {
  if (hashMax <= 0) return -1;
  const f = rowFlops(aCi, bRp, as, ae);
  return f <= <i64>hashMax ? f : -1;
}

/**
 * Flop statistics of C = A B without touching B's columns: writes stats f64[3] = total flops,
 * largest row flops, rows above hashMax (dense rows). O(nnz(A)); stops early, with the counts so
 * far, once the total exceeds `limit` (pass a negative limit for no limit).
 */
export function spgemmFlops(m: i32, aRp: usize, aCi: usize, bRp: usize, hashMax: i32, limit: f64, stats: usize): void {
  let total: i64 = 0, most: i64 = 0, dense: i32 = 0;
  const stop: i64 = limit < 0 ? 0x7fffffffffffffff : <i64>limit;
  for (let i = 0; i < m; i++) {
    const f = rowFlops(aCi, bRp, ldi(aRp, i), ldi(aRp, i + 1));
    total += f;
    if (f > most) most = f;
    if (f > <i64>hashMax) dense++;
    if (total > stop) break;
  }
  stf(stats, 0, <f64>total);
  stf(stats, 1, <f64>most);
  stf(stats, 2, <f64>dense);
}

/**
 * Symbolic phase: cRp[i+1] = nnz(C(0..i,:)). marker: i32[n]; table: i32[2^tableBits(min(hashMax, n))]
 * (both initialised here); hashMax = 0: every row dense, without counting row flops.
 * Writes the longest row of C to stats[0] (i32). Returns nnz(C), or, as soon as the running count
 * exceeds int32, that partial count (> 2^31 - 1): the caller reports the overflow and frees cRp.
 */
export function spgemmSymbolic(
  m: i32, n: i32, aRp: usize, aCi: usize, bRp: usize, bCi: usize, cRp: usize,
  marker: usize, table: usize, hashMax: i32, stats: usize,
): f64 {
  if (min(hashMax, n) > 0) memory.fill(table, 0xff, <usize>1 << (tableBits(min(hashMax, n)) + 2));
  let markerReady = false; // the O(n) marker is initialised only if some row needs it
  let total: i64 = 0;
  let longest = 0;
  sti(cRp, 0, 0);
  for (let i = 0; i < m; i++) {
    const as = ldi(aRp, i), ae = ldi(aRp, i + 1);
    let cnt: i32 = 0;
    if (ae - as == 1) {
      // one entry: C(i,:) has B(j,:)'s pattern
      const j = ldi(aCi, as);
      cnt = ldi(bRp, j + 1) - ldi(bRp, j);
    } else if (ae > as) {
      const f = hashFlops(aCi, bRp, as, ae, hashMax);
      if (f == 0) {
        cnt = 0;
      } else if (f > 0) {
        const size = 1 << tableBits(min(<i32>f, n));
        const mask = size - 1;
        for (let p = as; p < ae; p++) {
          const j = ldi(aCi, p);
          const qe = ldi(bRp, j + 1);
          for (let q = ldi(bRp, j); q < qe; q++) {
            const c = ldi(bCi, q);
            let h = c & mask;
            while (true) {
              const k = ldi(table, h);
              if (k == c) break;
              if (k < 0) {
                sti(table, h, c);
                cnt++;
                break;
              }
              h = (h + 1) & mask;
            }
          }
        }
        clearTable(table, size);
      } else {
        if (!markerReady) {
          memory.fill(marker, 0xff, <usize>n << 2);
          markerReady = true;
        }
        for (let p = as; p < ae; p++) {
          const j = ldi(aCi, p);
          const qe = ldi(bRp, j + 1);
          for (let q = ldi(bRp, j); q < qe; q++) {
            const c = ldi(bCi, q);
            if (ldi(marker, c) != i) {
              sti(marker, c, i);
              cnt++;
            }
          }
        }
      }
    }
    total += <i64>cnt;
    if (total > MAX_I32) return <f64>total;
    sti(cRp, i + 1, <i32>total);
    if (cnt > longest) longest = cnt;
  }
  sti(stats, 0, longest);
  return <f64>total;
}

/**
 * Numeric phase: fills cCi and cVal (sized by the symbolic phase). pos: i32[n]; keys:
 * i32[2^tableBits(min(hashMax, n))], tvals: f64[same] (initialised here); tmpKeys: i64[longest
 * row of C], tmpVals: f64[same]. sorted != 0 sorts each row. The accumulator choice per row is
 * the symbolic phase's (same rule, same arguments). deferSort != 0 sorts short dense rows in a
 * second pass (see there).
 */
export function spgemmNumeric(
  m: i32, n: i32, aRp: usize, aCi: usize, aVal: usize, bRp: usize, bCi: usize, bVal: usize,
  cRp: usize, cCi: usize, cVal: usize, pos: usize, keys: usize, tvals: usize, tmpKeys: usize, tmpVals: usize,
  hashMax: i32, sorted: i32, deferSort: i32,
): void {
  if (min(hashMax, n) > 0) memory.fill(keys, 0xff, <usize>1 << (tableBits(min(hashMax, n)) + 2));
  let markerReady = false;
  let deferred = false;
  for (let i = 0; i < m; i++) {
    const cs = ldi(cRp, i), ce = ldi(cRp, i + 1);
    const cnt = ce - cs;
    if (cnt == 0) continue;
    const as = ldi(aRp, i), ae = ldi(aRp, i + 1);
    if (ae - as == 1) {
      // C(i,:) = a * B(j,:); B's rows are canonical, so this row is sorted already
      const j = ldi(aCi, as);
      const a = ldf(aVal, as);
      const qs = ldi(bRp, j);
      for (let t = 0; t < cnt; t++) {
        sti(cCi, cs + t, ldi(bCi, qs + t));
        stf(cVal, cs + t, a * ldf(bVal, qs + t));
      }
      continue;
    }
    if (hashFlops(aCi, bRp, as, ae, hashMax) >= 0) {
      const size = 1 << tableBits(cnt);
      const mask = size - 1;
      let t = cs;
      for (let p = as; p < ae; p++) {
        const j = ldi(aCi, p);
        const a = ldf(aVal, p);
        const qe = ldi(bRp, j + 1);
        for (let q = ldi(bRp, j); q < qe; q++) {
          const c = ldi(bCi, q);
          const v = a * ldf(bVal, q);
          let h = c & mask;
          while (true) {
            const k = ldi(keys, h);
            if (k == c) {
              stf(tvals, h, ldf(tvals, h) + v);
              break;
            }
            if (k < 0) {
              sti(keys, h, c);
              stf(tvals, h, v);
              // append (col, slot) into the row's value segment; unpacked below
              stl(cVal, t, (<i64>c << 32) | <i64>h);
              t++;
              break;
            }
            h = (h + 1) & mask;
          }
        }
      }
      clearTable(keys, size);
      if (sorted) sortI64(cVal + (<usize>cs << 3), cnt);
      for (let u = cs; u < ce; u++) {
        const packed = ldl(cVal, u);
        sti(cCi, u, <i32>(packed >>> 32));
        stf(cVal, u, ldf(tvals, <i32>(packed & 0xffffffff)));
      }
    } else {
      if (!markerReady) {
        memory.fill(pos, 0xff, <usize>n << 2);
        markerReady = true;
      }
      let t = cs;
      let lo = n, hi = -1;
      const wantSpan = sorted && cnt > 32; // only long rows may be collected by a scan
      for (let p = as; p < ae; p++) {
        const j = ldi(aCi, p);
        const a = ldf(aVal, p);
        const qs = ldi(bRp, j), qe = ldi(bRp, j + 1);
        for (let q = qs; q < qe; q++) {
          const c = ldi(bCi, q);
          const v = a * ldf(bVal, q);
          const u = ldi(pos, c);
          if (u < cs) {
            // first product for column c in this row: append it
            sti(pos, c, t);
            sti(cCi, t, c);
            stf(cVal, t, v);
            t++;
          } else {
            stf(cVal, u, ldf(cVal, u) + v);
          }
        }
        if (wantSpan && qe > qs) {
          // B's rows are sorted: the row's column span comes from their first and last entries
          const first = ldi(bCi, qs), last = ldi(bCi, qe - 1);
          if (first < lo) lo = first;
          if (last > hi) hi = last;
        }
      }
      if (sorted && cnt > 1) {
        if (deferSort && cnt <= 32) {
          deferred = true; // sorted in the second pass below
        } else if (wantSpan && hi - lo < scanLimit(cnt)) {
          // collect by scanning the position map over the columns this row spans
          for (let u = 0; u < cnt; u++) stf(tmpVals, u, ldf(cVal, cs + u));
          let w = cs;
          for (let c = lo; c <= hi; c++) {
            const u = ldi(pos, c);
            if (u >= cs) {
              sti(cCi, w, c);
              stf(cVal, w, ldf(tmpVals, u - cs));
              w++;
            }
          }
        } else {
          sortPairs(cCi, cVal, cs, ce, tmpKeys, tmpVals);
        }
      }
    }
  }
  if (deferred) {
    // second pass: short dense rows are sorted here, sequentially, after all the accumulation,
    // so the first pass keeps many B-row cache misses in flight (sorting inside it stalls them);
    // rows sorted already (hash, scan, single-entry rows) cost one comparison per entry
    for (let i = 0; i < m; i++) {
      const cs = ldi(cRp, i), ce = ldi(cRp, i + 1);
      if (ce - cs < 2 || ce - cs > 32) continue;
      sortPairs(cCi, cVal, cs, ce, tmpKeys, tmpVals);
    }
  }
}

/**
 * Numeric phase for a known C pattern (cRp, cCi from an earlier product of A and B with the same
 * patterns; rows sorted or not): values only. pos: i32[n] workspace (no initialisation needed).
 * Returns the number of contributions whose column is not in C's row (0 unless the patterns
 * changed); such contributions are skipped, so memory outside C's row is never written.
 */
export function spgemmRecompute(
  m: i32, aRp: usize, aCi: usize, aVal: usize, bRp: usize, bCi: usize, bVal: usize,
  cRp: usize, cCi: usize, cVal: usize, pos: usize,
): i32 {
  let bad = 0;
  for (let i = 0; i < m; i++) {
    const cs = ldi(cRp, i), ce = ldi(cRp, i + 1);
    const cnt = ce - cs;
    if (cnt == 0) continue;
    const as = ldi(aRp, i), ae = ldi(aRp, i + 1);
    for (let u = cs; u < ce; u++) {
      sti(pos, ldi(cCi, u), u);
      stf(cVal, u, 0);
    }
    for (let p = as; p < ae; p++) {
      const j = ldi(aCi, p);
      const a = ldf(aVal, p);
      const qe = ldi(bRp, j + 1);
      for (let q = ldi(bRp, j); q < qe; q++) {
        const u = ldi(pos, ldi(bCi, q));
        if (<u32>(u - cs) < <u32>cnt) stf(cVal, u, ldf(cVal, u) + a * ldf(bVal, q));
        else bad++;
      }
    }
  }
  return bad;
}

