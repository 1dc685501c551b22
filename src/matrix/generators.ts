import { InvalidArgumentError } from '../errors.js';
import { CsrMatrix, type MatrixOptions } from './csr.js';

/**
 * The 5-point Laplacian on a k x k interior grid with Dirichlet boundaries, natural ordering,
 * unscaled (4 on the diagonal, -1 to each neighbour): n = k^2, nnz = 5n - 4k. SPD.
 */
export function poisson2d(k: number, options: MatrixOptions = {}): CsrMatrix {
  if (!Number.isInteger(k) || k < 0 || k * k * 5 > 0x7fffffff) throw new InvalidArgumentError(`poisson2d: grid size k = ${k} out of range`);
  const n = k * k;
  const nnz = Math.max(0, 5 * n - 4 * k);
  const indptr = new Int32Array(n + 1), indices = new Int32Array(nnz), data = new Float64Array(nnz);
  let p = 0;
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      const r = i * k + j;
      if (i > 0) { indices[p] = r - k; data[p++] = -1; }
      if (j > 0) { indices[p] = r - 1; data[p++] = -1; }
      indices[p] = r; data[p++] = 4;
      if (j < k - 1) { indices[p] = r + 1; data[p++] = -1; }
      if (i < k - 1) { indices[p] = r + k; data[p++] = -1; }
      indptr[r + 1] = p;
    }
  }
  return CsrMatrix.fromCsr(n, n, indptr, indices, data, options);
}
