// SELL-8 (sliced ELLPACK, chunks of 8 rows padded to the chunk's longest row), the second SpMV
// layout a CsrMatrix may keep next to its CSR arrays: when it is chosen, how it is built
// (assembly/spmv_sell.ts fills it), and the one place SpMV dispatches between the two layouts.
import type { Kernels } from '../runtime/kernels.js';
import type { SparseRuntime } from '../runtime/runtime.js';

/** How SpMV runs: plain CSR, SELL-8 (sliced ELLPACK, built from the CSR arrays), or chosen per matrix. */
export type SpmvLayout = 'auto' | 'csr' | 'sell';

/** A built SELL-8 copy in wasm memory (its pointers are owned by the matrix). */
export interface SellLayout {
  chunks: number;
  chunkPtr: number;
  cols: number;
  vals: number;
  /** original row of each slot; 0 = identity */
  perm: number;
  /** stored entries including padding */
  padded: number;
}

/** The CSR arrays of a matrix in wasm memory. */
export interface CsrPointers {
  rows: number;
  nnz: number;
  rowPtr: number;
  colIdx: number;
  values: number;
}

/** SELL-8 is used by 'auto' when padding adds at most this fraction of nnz */
const SELL_MAX_FILL = 1.2;
/** below this many nonzeros CSR is as fast and SELL is not worth the memory */
const SELL_MIN_NNZ = 2048;
/** with 'sell' forced, rows are sorted by length within windows of this many rows when that reduces padding */
const SELL_SIGMA = 256;
const MAX_I32 = 0x7fffffff;

interface SellPlan {
  widths: Int32Array;
  perm: Int32Array | undefined;
  padded: number;
}

/**
 * Builds the SELL-8 copy the wanted layout calls for, or returns undefined for CSR (wanted 'csr',
 * 'auto' on a small or too irregular matrix, or not enough memory: CSR always works). `rp` is a
 * view of the row pointers.
 */
export function buildSpmvLayout(rt: SparseRuntime, m: CsrPointers, rp: Int32Array, wanted: SpmvLayout): SellLayout | undefined {
  if (wanted === 'csr' || m.rows === 0) return undefined;
  const force = wanted === 'sell';
  if (!force && m.nnz < SELL_MIN_NNZ) return undefined;
  let plan = planSell(rp, m.rows, false);
  // 'auto' takes SELL only in the natural row order: the benchmarks measured the row-sorted
  // layout slower than CSR on every matrix that needed it (bcsstk13, bayer10, sherman5,
  // luxembourg_osm: 1.1-1.45x), the gathered y costing more than the saved padding.
  if (!force && plan.padded > SELL_MAX_FILL * m.nnz) return undefined;
  if (force && plan.padded > SELL_MAX_FILL * m.nnz) plan = planSell(rp, m.rows, true);
  return buildSell(rt, m, plan);
}

function planSell(rp: Int32Array, n: number, sorted: boolean): SellPlan {
  let perm: Int32Array | undefined;
  if (sorted) {
    perm = new Int32Array(n);
    for (let i = 0; i < n; i++) perm[i] = i;
    const len = (r: number) => rp[r + 1] - rp[r];
    for (let w = 0; w < n; w += SELL_SIGMA) {
      const win = perm.subarray(w, Math.min(n, w + SELL_SIGMA));
      const sortedWin = Array.from(win).sort((a, b) => len(b) - len(a) || a - b);
      win.set(sortedWin);
    }
  }
  const chunks = Math.ceil(n / 8);
  const widths = new Int32Array(chunks);
  let padded = 0;
  for (let c = 0; c < chunks; c++) {
    let w = 0;
    for (let k = c * 8; k < Math.min(n, c * 8 + 8); k++) {
      const r = perm ? perm[k] : k;
      w = Math.max(w, rp[r + 1] - rp[r]);
    }
    widths[c] = w;
    padded += 8 * w;
  }
  return { widths, perm, padded };
}

function buildSell(rt: SparseRuntime, m: CsrPointers, { widths, perm }: SellPlan): SellLayout | undefined {
  const chunks = widths.length;
  let total = 0;
  for (let c = 0; c < chunks; c++) total += 8 * widths[c];
  if (total > MAX_I32) return undefined; // padded size exceeds int32: stay with CSR
  const got: number[] = [];
  try {
    const chunkPtr = rt.alloc((chunks + 1) * 4); got.push(chunkPtr);
    const cols = rt.alloc(total * 4); got.push(cols);
    const vals = rt.alloc(total * 8); got.push(vals);
    const permPtr = perm ? rt.alloc(perm.length * 4) : 0;
    if (perm) { got.push(permPtr); rt.i32(permPtr, perm.length).set(perm); }
    const cp = rt.i32(chunkPtr, chunks + 1);
    cp[0] = 0;
    for (let c = 0; c < chunks; c++) cp[c + 1] = cp[c] + 8 * widths[c];
    rt.kernels.sellFill(m.rows, chunks, m.rowPtr, m.colIdx, m.values, permPtr, chunkPtr, cols, vals);
    return { chunks, chunkPtr, cols, vals, perm: permPtr, padded: total };
  } catch {
    // not enough memory for the second layout: CSR still works
    for (const p of got) rt.free(p);
    return undefined;
  }
}

/** The wasm blocks of a SELL-8 copy (for its owner to own and release). */
export function sellBlocks(s: SellLayout): number[] {
  return s.perm ? [s.chunkPtr, s.cols, s.vals, s.perm] : [s.chunkPtr, s.cols, s.vals];
}

/** y = A x in the layout built: SELL-8 when there is a copy, else CSR. */
export function spmv(k: Kernels, m: CsrPointers, sell: SellLayout | undefined, x: number, y: number): void {
  if (sell) k.sellSpmv(m.rows, sell.chunks, sell.chunkPtr, sell.cols, sell.vals, sell.perm, x, y, m.rowPtr, m.colIdx, m.values);
  else k.csrSpmv(m.rows, m.rowPtr, m.colIdx, m.values, x, y);
}
