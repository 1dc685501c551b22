#!/usr/bin/python3
"""Writes test/fixtures/scipy-spgemm.json: SciPy's sparse products of every real matrix in
test/fixtures/matrices (copies of ../shared/matrices) (A @ A for square A; A @ A.T and A.T @ A for all), as an independent reference
for SpGEMM, and SciPy's reverse Cuthill-McKee bandwidth for every square one. Per product: the
structural nnz (the pattern product, which sparse-wasm keeps, explicit zeros included), SciPy's
nnz (which drops entries that cancel to exactly 0), sum, sum of |values|, Frobenius norm, and
sampled entries with their scale sum_k |A(i,k)| |B(k,j)| for a rounding tolerance.
Run with Debian's python3-scipy: /usr/bin/python3 scripts/scipy-spgemm-reference.py"""
import json, os
import numpy as np
import scipy, scipy.io, scipy.sparse as sp
from scipy.sparse.csgraph import reverse_cuthill_mckee

here = os.path.dirname(os.path.abspath(__file__))
# the project's bundled copies of the shared matrices (mmread inflates .gz itself)
mdir = os.path.join(here, '..', 'test', 'fixtures', 'matrices')


def bandwidth(M):
    M = M.tocoo()
    return int(np.abs(M.row.astype(np.int64) - M.col.astype(np.int64)).max()) if M.nnz else 0


def product_ref(A, B, rng):
    C = (A @ B).tocsr()
    C.sort_indices()
    # structural pattern: explicit zeros of A and B count as entries
    Ap = sp.csr_matrix((np.ones_like(A.data), A.indices, A.indptr), shape=A.shape)
    Bp = sp.csr_matrix((np.ones_like(B.data), B.indices, B.indptr), shape=B.shape)
    P = (Ap @ Bp).tocsr()
    S = (abs(A) @ abs(B)).tocsr()
    m, n = C.shape
    samples = []
    if P.nnz:
        P = P.tocoo()
        picks = sorted(set(rng.integers(0, P.nnz, size=min(P.nnz, 12)).tolist()))
        for k in picks:
            i, j = int(P.row[k]), int(P.col[k])
            samples.append([i, j, float(C[i, j]), float(S[i, j])])
    # a few positions outside the pattern (must be absent or 0)
    for _ in range(3):
        if m and n:
            i, j = int(rng.integers(0, m)), int(rng.integers(0, n))
            samples.append([i, j, float(C[i, j]), float(S[i, j])])
    return {
        'rows': m, 'cols': n, 'nnzStructural': int(P.nnz), 'nnzScipy': int(C.nnz),
        'sum': float(C.data.sum()), 'absSum': float(np.abs(C.data).sum()),
        'fro': float(np.sqrt((C.data ** 2).sum())), 'scaleSum': float(S.data.sum()),
        'samples': samples,
    }


out = {'scipy': scipy.__version__, 'matrices': {}}
for gz in sorted(os.listdir(mdir)):
    name = gz[:-3]
    if not gz.endswith('.mtx.gz'):
        continue
    A = scipy.io.mmread(os.path.join(mdir, gz))
    if np.iscomplexobj(A):
        continue
    if not sp.issparse(A):  # array format (a right-hand side): not a matrix to multiply
        continue
    A = sp.csr_matrix(A, dtype=np.float64)
    A.sum_duplicates()
    A.sort_indices()
    rng = np.random.default_rng(1)
    r = {'rows': A.shape[0], 'cols': A.shape[1], 'nnz': int(A.nnz)}
    if A.shape[0] == A.shape[1]:
        r['AA'] = product_ref(A, A, rng)
        perm = reverse_cuthill_mckee(A, symmetric_mode=False)
        r['rcm'] = {'bandwidthBefore': bandwidth(A), 'bandwidthScipy': bandwidth(A[perm][:, perm])}
    r['AAt'] = product_ref(A, A.T.tocsr(), rng)
    r['AtA'] = product_ref(A.T.tocsr(), A, rng)
    out['matrices'][name] = r

path = os.path.join(here, '..', 'test', 'fixtures', 'scipy-spgemm.json')
json.dump(out, open(path, 'w'), indent=0, sort_keys=True)
print('wrote', len(out['matrices']), 'matrices to', path)
