// The 7-point Laplacian on a k x k x k interior grid with Dirichlet boundaries (6 on the diagonal,
// -1 to each neighbour), natural ordering: n = k^3, nnz = 7n - 6k^2. SPD. The package has the 2D
// generator (poisson2d); this 3D one is built here from CSR arrays through CsrMatrix.fromCsr.
import { CsrMatrix, InvalidArgumentError } from 'sparse-wasm';

export function poisson3d(k: number): CsrMatrix {
  if (!Number.isInteger(k) || k < 1 || k > 100) throw new InvalidArgumentError(`Poisson 3D: grid size must be an integer from 1 to 100 (a million rows), got ${k}`);
  const n = k * k * k;
  const nnz = 7 * n - 6 * k * k;
  const indptr = new Int32Array(n + 1), indices = new Int32Array(nnz), data = new Float64Array(nnz);
  const kk = k * k;
  let p = 0;
  for (let z = 0; z < k; z++) {
    for (let y = 0; y < k; y++) {
      for (let x = 0; x < k; x++) {
        const r = z * kk + y * k + x;
        if (z > 0) { indices[p] = r - kk; data[p++] = -1; }
        if (y > 0) { indices[p] = r - k; data[p++] = -1; }
        if (x > 0) { indices[p] = r - 1; data[p++] = -1; }
        indices[p] = r; data[p++] = 6;
        if (x < k - 1) { indices[p] = r + 1; data[p++] = -1; }
        if (y < k - 1) { indices[p] = r + k; data[p++] = -1; }
        if (z < k - 1) { indices[p] = r + kk; data[p++] = -1; }
        indptr[r + 1] = p;
      }
    }
  }
  return CsrMatrix.fromCsr(n, n, indptr, indices, data);
}
