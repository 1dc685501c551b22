// The plain JavaScript baselines: what a user would write by hand over typed arrays.

export function spmvJs(rows, rowPtr, colIdx, vals, x, y) {
  for (let i = 0; i < rows; i++) {
    let s = 0;
    const end = rowPtr[i + 1];
    for (let p = rowPtr[i]; p < end; p++) s += vals[p] * x[colIdx[p]];
    y[i] = s;
  }
}

export function dotJs(n, x, y) {
  let s = 0;
  for (let i = 0; i < n; i++) s += x[i] * y[i];
  return s;
}

export function axpyJs(n, alpha, x, y) {
  for (let i = 0; i < n; i++) y[i] += alpha * x[i];
}

/** naive sqrt(sum x_i^2), no overflow protection (the library's nrm2 has a scaled fallback) */
export function nrm2Js(n, x) {
  let s = 0;
  for (let i = 0; i < n; i++) s += x[i] * x[i];
  return Math.sqrt(s);
}
