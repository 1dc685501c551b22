// The density picture of a sparsity pattern: nonzeros counted into at most size x size bins in
// one pass over the CSR arrays (a bin per row and a column-to-bin table: no division per
// nonzero), coloured on a log scale. Runs in the worker; the page only draws the pixels.
import type { DensityView } from './protocol';

export function densityImage(rows: number, cols: number, rowPtr: Int32Array, colIdx: Int32Array, size: number): DensityView {
  const scale = Math.min(1, size / Math.max(rows, cols, 1));
  const width = Math.max(1, Math.ceil(cols * scale));
  const height = Math.max(1, Math.ceil(rows * scale));
  const counts = new Uint32Array(width * height);
  const colBin = new Int32Array(cols);
  for (let j = 0; j < cols; j++) colBin[j] = Math.min(width - 1, Math.floor((j * width) / cols));
  for (let i = 0; i < rows; i++) {
    const base = Math.min(height - 1, Math.floor((i * height) / rows)) * width;
    for (let p = rowPtr[i], e = rowPtr[i + 1]; p < e; p++) counts[base + colBin[colIdx[p]]]++;
  }
  let maxCount = 0;
  for (let k = 0; k < counts.length; k++) if (counts[k] > maxCount) maxCount = counts[k];
  const rgba = new Uint8ClampedArray(width * height * 4);
  const logMax = Math.log1p(maxCount);
  for (let k = 0; k < counts.length; k++) {
    const c = counts[k];
    const o = 4 * k;
    if (c === 0) {
      rgba[o] = rgba[o + 1] = rgba[o + 2] = 255;
    } else {
      // one nonzero is already clearly visible (t >= 0.35); the densest bin is dark blue
      const t = 0.35 + 0.65 * (logMax > 0 ? Math.log1p(c) / logMax : 1);
      rgba[o] = Math.round(200 * (1 - t));
      rgba[o + 1] = Math.round(40 + 180 * (1 - t));
      rgba[o + 2] = Math.round(255 - 90 * t);
    }
    rgba[o + 3] = 255;
  }
  return { width, height, rgba, maxCount, binMs: 0 };
}
