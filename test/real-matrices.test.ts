import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { init, CsrMatrix, DenseVector, norm2 } from '../src/index.js';
import { readMatrix } from '../src/node.js';
import { csrToMatrixMarket, csrFromMatrixMarket } from '../src/io/csr-io.js';
import { parseMatrixMarket } from '../src/io/matrix-market.js';
import { matrixProperties } from '../src/matrix/properties.js';
import { bundledMatrices, matrixPath } from './matrices.js';

// SciPy's reading of every shared matrix and y = A x for x_i = sin(i + 1), written by
// scripts/scipy-reference.py (Debian python3-scipy): the independent reference here.
const here = path.dirname(fileURLToPath(import.meta.url));
const ref = JSON.parse(readFileSync(path.join(here, 'fixtures/scipy-spmv.json'), 'utf8')) as {
  matrices: Record<string, { complex?: boolean; rows: number; cols: number; nnz: number; sumValues: number; absSumValues: number; yNorm2: number; yAt: Record<string, number>; yAbsScale: Record<string, number> }>;
};
const files = bundledMatrices;

beforeAll(async () => {
  await init();
});

describe('every shared real matrix', () => {
  it('the reference covers all 38 files', () => {
    expect(files.length).toBe(38);
    expect(Object.keys(ref.matrices).sort()).toEqual(files);
  });

  for (const f of files) {
    const r = ref.matrices[f];
    if (r.complex) {
      it(`${f}: complex is rejected as unsupported`, async () => {
        await expect(readMatrix(matrixPath(f))).rejects.toThrow(/unsupported/);
      });
      continue;
    }
    it(`${f}: reads into CSR like SciPy, and A x matches SciPy`, async () => {
      const { matrix: A, header } = await readMatrix(matrixPath(f));
      expect([A.rows, A.cols]).toEqual([r.rows, r.cols]);
      if (header.format === 'coordinate') expect(A.nnz).toBe(r.nnz);
      let s = 0;
      for (const v of A.values) s += v;
      expect(Math.abs(s - r.sumValues)).toBeLessThanOrEqual(1e-12 * r.absSumValues);
      const x = DenseVector.zeros(A.cols);
      const xd = x.data;
      for (let i = 0; i < A.cols; i++) xd[i] = Math.sin(i + 1);
      const y = DenseVector.zeros(A.rows);
      A.multiply(x, y);
      for (const [i, want] of Object.entries(r.yAt)) {
        expect(Math.abs(y.data[Number(i)] - want), `row ${i}`).toBeLessThanOrEqual(1e-13 * r.yAbsScale[i] + 1e-300);
      }
      expect(Math.abs(norm2(y) - r.yNorm2)).toBeLessThanOrEqual(1e-12 * r.yNorm2 + 1e-300);
      // the same through plain CSR (SELL may have been chosen above)
      A.setSpmvLayout('csr');
      const y2 = A.multiply(x);
      for (const [i, want] of Object.entries(r.yAt)) expect(Math.abs(y2[Number(i)] - want)).toBeLessThanOrEqual(1e-13 * r.yAbsScale[i] + 1e-300);
      // write -> read round trip is exact
      const text = csrToMatrixMarket(A);
      const B = csrFromMatrixMarket(parseMatrixMarket(text));
      expect(Array.from(B.rowPtr)).toEqual(Array.from(A.rowPtr));
      expect(Array.from(B.colIdx)).toEqual(Array.from(A.colIdx));
      const av = A.values, bv = B.values;
      for (let k = 0; k < A.nnz; k++) if (!Object.is(av[k], bv[k])) expect(bv[k]).toBe(av[k]);
      // declared symmetry is real: symmetric files are numerically symmetric after expansion
      const p = matrixProperties(A);
      if (header.symmetry === 'symmetric') expect(p.numericallySymmetric).toBe(true);
      if (header.symmetry === 'skew-symmetric') expect(p.numericallySkewSymmetric).toBe(true);
      A.dispose(); B.dispose(); x.dispose(); y.dispose();
    });
  }

  it('symmetric write keeps one triangle and reads back to the same matrix', async () => {
    const { matrix: A } = await readMatrix(matrixPath('bcsstk01.mtx'));
    const text = csrToMatrixMarket(A, { symmetry: 'symmetric' });
    expect(text.split('\n')[0]).toMatch(/symmetric/);
    const B = csrFromMatrixMarket(parseMatrixMarket(text));
    expect(Array.from(B.values)).toEqual(Array.from(A.values));
    A.dispose(); B.dispose();
  });

  it('missing diagonals are reported (west0479: 471 of 479 missing)', async () => {
    const { matrix: A } = await readMatrix(matrixPath('west0479.mtx'));
    expect(matrixProperties(A).missingDiagonal).toBe(471);
    A.dispose();
  });
});

describe('matrix properties on small known matrices', () => {
  it('bandwidth, dominance, explicit zeros, empty rows', () => {
    const A = CsrMatrix.fromCoo(4, 4, [0, 0, 1, 2, 3, 1], [0, 3, 1, 2, 0, 0], [5, 1, 2, 0, 1, 1]);
    const p = matrixProperties(A);
    expect(p).toMatchObject({ lowerBandwidth: 3, upperBandwidth: 3, explicitZeros: 1, missingDiagonal: 1, emptyRows: 0, diagonalDominance: 'none' });
    A.dispose();
    const D = CsrMatrix.fromDense([[4, -1], [-1, 4]]);
    expect(matrixProperties(D)).toMatchObject({ diagonalDominance: 'strict', numericallySymmetric: true, diagonalSign: 'positive', bandwidth: 1 });
    D.dispose();
  });
});
