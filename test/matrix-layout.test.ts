// src/matrix/sell.ts (the SELL-8 copy a CsrMatrix may keep, and the one SELL/CSR dispatch) and
// the CSR names of the API: factors read back as rowPtr/colIdx/values like CsrMatrix.
import { beforeAll, describe, expect, it } from 'vitest';
import { createRuntime, CsrMatrix, DenseVector, type SparseRuntime } from '../src/index.js';
import { Ic0Preconditioner } from '../src/precond/ic0.js';
import { Ilu0Preconditioner } from '../src/precond/ilu0.js';
import { poisson2d } from '../src/matrix/generators.js';
import { randomVector } from './helpers.js';

let rt: SparseRuntime;
beforeAll(async () => {
  rt = await createRuntime({ build: 'scalar', initialMemoryMiB: 64 });
});

/** rows of lengths 0..22 in a scrambled order: forced SELL sorts rows by length within windows */
function ragged(n: number): CsrMatrix {
  const ri: number[] = [], ci: number[] = [], v: number[] = [];
  for (let i = 0; i < n; i++) for (let k = 0; k < (i * 7919) % 23; k++) { ri.push(i); ci.push((i * 31 + k * 97) % n); v.push(1 / (k + 1) + i * 1e-3); }
  return CsrMatrix.fromCoo(n, n, ri, ci, v, { runtime: rt, spmv: 'sell' });
}

function csrProduct(A: CsrMatrix, x: Float64Array): Float64Array {
  const y = new Float64Array(A.rows), rp = A.rowPtr, ci = A.colIdx, v = A.values;
  for (let i = 0; i < A.rows; i++) { let s = 0; for (let p = rp[i]; p < rp[i + 1]; p++) s += v[p] * x[ci[p]]; y[i] = s; }
  return y;
}

describe('SELL-8 layout', () => {
  it('a forced, row-sorted SELL copy gives the CSR product (multiply and multiplyPtr) and is freed with new values', () => {
    const A = ragged(3000);
    A.prepareSpmv();
    expect(A.spmvLayout).toBe('sell');
    expect(A.spmvStoredEntries()).toBeGreaterThanOrEqual(A.nnz);
    const x = Float64Array.from(randomVector(3000, 7));
    const ref = csrProduct(A, x);
    const y = A.multiply(x);
    for (let i = 0; i < 3000; i++) expect(y[i]).toBeCloseTo(ref[i], 12);
    const X = DenseVector.from(x, { runtime: rt }), Y = DenseVector.zeros(3000, { runtime: rt });
    A.multiplyPtr(X.check(3000, 'x', rt), Y.check(3000, 'y', rt));
    expect(Array.from(Y.toArray())).toEqual(Array.from(y));
    // new values drop the SELL copy (its blocks are freed) until the next product rebuilds it
    const live = rt.stats().liveAllocations;
    A.setValues(A.values.map((t) => 2 * t));
    expect(A.spmvLayout).toBe('csr');
    expect(rt.stats().liveAllocations).toBeLessThan(live);
    const y2 = A.multiply(x);
    expect(A.spmvLayout).toBe('sell');
    for (let i = 0; i < 3000; i++) expect(y2[i]).toBeCloseTo(2 * ref[i], 12);
    for (const o of [A, X, Y]) o.dispose();
  });

  it("'csr' never builds the copy; 'auto' keeps CSR for small matrices", () => {
    const A = poisson2d(8, { runtime: rt, spmv: 'csr' });
    A.prepareSpmv();
    expect(A.spmvLayout).toBe('csr');
    expect(A.spmvStoredEntries()).toBe(A.nnz);
    const B = poisson2d(8, { runtime: rt }); // 288 entries: below the SELL minimum
    B.prepareSpmv();
    expect(B.spmvLayout).toBe('csr');
    A.dispose();
    B.dispose();
  });
});

describe('CSR names of the API', () => {
  it('factors read back as rowPtr/colIdx/values (indptr/indices/data the same arrays, deprecated)', () => {
    const A = poisson2d(6, { runtime: rt });
    const P = new Ic0Preconditioner(A);
    const { L } = P.getFactors();
    expect(L.rowPtr).toBe(L.indptr);
    expect(L.colIdx).toBe(L.indices);
    expect(L.values).toBe(L.data);
    expect(L.rowPtr.length).toBe(A.rows + 1);
    expect(L.rowPtr[A.rows]).toBe((A.nnz + A.rows) / 2);
    const Q = new Ilu0Preconditioner(A);
    const { U } = Q.getFactors();
    expect(U.rowPtr).toBe(U.indptr);
    expect(U.values[U.rowPtr[0]]).toBeCloseTo(4, 12); // the diagonal first in each row of U
    for (const o of [P, Q, A]) o.dispose();
  });
});
