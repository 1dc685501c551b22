#!/usr/bin/python3
"""Writes test/fixtures/scipy-spmv.json: SciPy's reading of every matrix in test/fixtures/matrices (copies of ../shared/matrices) and
y = A x for x_i = sin(i + 1), as an independent reference for the Matrix Market reader, the CSR
builder and SpMV. Run with Debian's python3-scipy: /usr/bin/python3 scripts/scipy-reference.py"""
import json, os, sys
import numpy as np
import scipy, scipy.io, scipy.sparse as sp

here = os.path.dirname(os.path.abspath(__file__))
# the project's bundled copies of the shared matrices (mmread inflates .gz itself)
mdir = os.path.join(here, '..', 'test', 'fixtures', 'matrices')
out = {'scipy': scipy.__version__, 'x': 'x[i] = sin(i + 1)', 'matrices': {}}
for gz in sorted(os.listdir(mdir)):
    name = gz[:-3]
    if not gz.endswith('.mtx.gz'):
        continue
    try:
        A = scipy.io.mmread(os.path.join(mdir, gz))
    except Exception as e:  # complex etc. are read by scipy but we skip them
        continue
    if np.iscomplexobj(A):
        out['matrices'][name] = {'complex': True}
        continue
    A = sp.csr_matrix(A, dtype=np.float64)
    A.sum_duplicates()
    m, n = A.shape
    x = np.sin(np.arange(n) + 1.0)
    y = A @ x
    rng = np.random.default_rng(0)
    idx = sorted(set([0, m - 1] + list(rng.integers(0, m, size=min(m, 18))))) if m > 0 else []
    out['matrices'][name] = {
        'rows': m, 'cols': n, 'nnz': int(A.nnz),
        'sumValues': float(A.data.sum()), 'absSumValues': float(np.abs(A.data).sum()),
        'yNorm2': float(np.linalg.norm(y)), 'ySum': float(y.sum()),
        'yAt': {str(i): float(y[i]) for i in idx},
        'yAbsScale': {str(i): float((abs(A[i]) @ abs(x))[0]) for i in idx},
    }
json.dump(out, open(os.path.join(here, '..', 'test', 'fixtures', 'scipy-spmv.json'), 'w'), indent=1, sort_keys=True)
print('wrote', len(out['matrices']), 'matrices')
