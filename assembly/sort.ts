// In-place sorts for row segments of CSR arrays (SpGEMM output rows, permuted rows, RCM
// neighbour lists): i64 keys (a column or degree in the high half, a slot or index in the low), and
// (i32 column, f64 value) pairs. Keys are distinct in every caller, so stability does not matter.
// Insertion sort for short runs (the common case: rows of 5-50 entries), quicksort above.

const INSERTION_MAX = 24;

@inline function ld<T>(p: usize, i: i32): T { return load<T>(p + (<usize>i << alignof<T>())); }
@inline function st<T>(p: usize, i: i32, v: T): void { store<T>(p + (<usize>i << alignof<T>()), v); }

/** Sorts keys[lo..hi) ascending by straight insertion. */
@inline function insertion<T>(keys: usize, lo: i32, hi: i32): void {
  for (let i = lo + 1; i < hi; i++) {
    const x = ld<T>(keys, i);
    let j = i - 1;
    while (j >= lo) {
      const y = ld<T>(keys, j);
      if (y <= x) break;
      st<T>(keys, j + 1, y);
      j--;
    }
    st<T>(keys, j + 1, x);
  }
}

/** Quicksort with a median-of-three pivot; recurses into the smaller side, loops on the larger. */
function quick<T>(keys: usize, lo: i32, hi: i32): void {
  while (hi - lo > INSERTION_MAX) {
    const mid = lo + ((hi - lo) >> 1);
    let a = ld<T>(keys, lo), b = ld<T>(keys, mid), c = ld<T>(keys, hi - 1);
    // median of a, b, c as the pivot
    let pivot: T;
    if (a < b) pivot = b < c ? b : (a < c ? c : a);
    else pivot = a < c ? a : (b < c ? c : b);
    let i = lo, j = hi - 1;
    while (i <= j) {
      while (ld<T>(keys, i) < pivot) i++;
      while (ld<T>(keys, j) > pivot) j--;
      if (i <= j) {
        const t = ld<T>(keys, i);
        st<T>(keys, i, ld<T>(keys, j));
        st<T>(keys, j, t);
        i++;
        j--;
      }
    }
    // [lo, j] <= pivot <= [i, hi)
    if (j + 1 - lo < hi - i) {
      quick<T>(keys, lo, j + 1);
      lo = i;
    } else {
      quick<T>(keys, i, hi);
      hi = j + 1;
    }
  }
  insertion<T>(keys, lo, hi);
}

/** Sorts n i64 keys at `keys` ascending (callers pack a column in the high half, a slot in the low). */
export function sortI64(keys: usize, n: i32): void {
  if (n <= INSERTION_MAX) insertion<i64>(keys, 0, n);
  else quick<i64>(keys, 0, n);
}

const PAIR_INSERTION_MAX = 32;

/**
 * Sorts the row segment [s, e) of (cols: i32, vals: f64) by column (distinct columns). Short
 * rows: insertion sort moving both arrays (SpGEMM rows arrive as sorted runs, so few moves).
 * Longer rows: (col << 32 | offset) keys packed into tmpKeys: i64[e - s], values copied to
 * tmpVals: f64[e - s], the keys sorted, both unpacked.
 */
@inline export function sortPairs(cols: usize, vals: usize, s: i32, e: i32, tmpKeys: usize, tmpVals: usize): void {
  if (e - s <= PAIR_INSERTION_MAX) {
    // inlined into the caller: rows are short and many, a call per row costs ~5% of SpGEMM
    pairInsertion(cols, vals, s, e);
  } else {
    sortPairsPacked(cols, vals, s, e, tmpKeys, tmpVals);
  }
}

@inline function pairInsertion(cols: usize, vals: usize, s: i32, e: i32): void {
  {
    for (let u = s + 1; u < e; u++) {
      const x = ld<i32>(cols, u);
      let w = u - 1;
      if (ld<i32>(cols, w) <= x) continue;
      const xv = ld<f64>(vals, u);
      do {
        st<i32>(cols, w + 1, ld<i32>(cols, w));
        st<f64>(vals, w + 1, ld<f64>(vals, w));
        w--;
      } while (w >= s && ld<i32>(cols, w) > x);
      st<i32>(cols, w + 1, x);
      st<f64>(vals, w + 1, xv);
    }
  }
}

function sortPairsPacked(cols: usize, vals: usize, s: i32, e: i32, tmpKeys: usize, tmpVals: usize): void {
  const n = e - s;
  for (let t = 0; t < n; t++) {
    st<i64>(tmpKeys, t, (<i64>ld<i32>(cols, s + t) << 32) | <i64>t);
    st<f64>(tmpVals, t, ld<f64>(vals, s + t));
  }
  sortI64(tmpKeys, n);
  for (let t = 0; t < n; t++) {
    const k = ld<i64>(tmpKeys, t);
    st<i32>(cols, s + t, <i32>(k >>> 32));
    st<f64>(vals, s + t, ld<f64>(tmpVals, <i32>(k & 0xffffffff)));
  }
}
