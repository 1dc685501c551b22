// Small statistics, byte models and table formatting shared by run.mjs and native.mjs.

export const median = (a) => {
  if (a.length === 0) return NaN;
  const s = [...a].sort((p, q) => p - q);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** relative spread of a set of medians: (max - min) / median */
export const spread = (a) => (a.length > 1 ? (Math.max(...a) - Math.min(...a)) / median(a) : 0);

export const BYTE_MODELS = {
  csr: 'CSR SpMV: 12*nnz + 4*(rows+1) + 8*cols + 8*rows (values+indices, rowPtr, x read once, y written)',
  sell: 'SELL-8 SpMV: 12*padded + 4*(chunks+1) + 8*cols + 8*rows (+ 4*rows with a row permutation)',
  dot: 'dot: 16n (x and y read)',
  axpy: 'axpy: 24n (x, y read, y written)',
  nrm2: 'nrm2: 8n (x read; flops counted as 2n)',
};

export function csrBytes(rows, cols, nnz) {
  return 12 * nnz + 4 * (rows + 1) + 8 * cols + 8 * rows;
}

export function sellBytes(rows, cols, padded, chunks, permuted) {
  return 12 * padded + 4 * (chunks + 1) + 8 * cols + 8 * rows + (permuted ? 4 * rows : 0);
}

/** Measures `fn` like spmv_c.c does: warm-up call, batches of >= minBatchMs, >= 15 samples, median per call. */
export function measure(fn, budgetMs, { minBatchMs = 2, minSamples = 15 } = {}) {
  fn();
  let t0 = performance.now();
  fn();
  const one = performance.now() - t0;
  const batch = one < minBatchMs ? Math.floor(minBatchMs / Math.max(one, 1e-6)) + 1 : 1;
  const samples = [];
  const start = performance.now();
  while ((samples.length < minSamples || performance.now() - start < budgetMs) && samples.length < 4096) {
    t0 = performance.now();
    for (let b = 0; b < batch; b++) fn();
    samples.push((performance.now() - t0) / batch);
    if (performance.now() - start > 4 * budgetMs && samples.length >= 3) break;
  }
  return { ms: median(samples), minMs: Math.min(...samples), samples: samples.length, batch };
}

/** Formats rows of objects as an aligned text table. */
export function table(rows, columns) {
  const cells = rows.map((r) => columns.map((c) => (r[c.key] === undefined || r[c.key] === null ? '' : String(r[c.key]))));
  const widths = columns.map((c, j) => Math.max(c.title.length, ...cells.map((r) => r[j].length)));
  const fmt = (vals) => vals.map((v, j) => (columns[j].left ? v.padEnd(widths[j]) : v.padStart(widths[j]))).join('  ');
  return [fmt(columns.map((c) => c.title)), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(fmt)].join('\n');
}

export const fx = (v, d = 2) => (Number.isFinite(v) ? v.toFixed(d) : '-');
export const fms = (ms) => (ms >= 10 ? ms.toFixed(1) : ms >= 1 ? ms.toFixed(2) : ms >= 0.01 ? ms.toFixed(3) : ms.toFixed(4));

// A full GC between measurements, so garbage from the "fresh copies" baselines is not collected
// (by concurrent GC threads on the other core) while something else is being timed.
import v8 from 'node:v8';
import vm from 'node:vm';

let gcFn;
try {
  v8.setFlagsFromString('--expose-gc');
  gcFn = vm.runInNewContext('gc');
} catch {
  gcFn = undefined;
}

export function settle() {
  if (gcFn) gcFn();
}
