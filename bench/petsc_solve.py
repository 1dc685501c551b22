#!/usr/bin/python3
"""Times one PETSc (petsc4py, Debian python3-petsc4py) Krylov solve, for bench/solve.mjs.

  PETSC_DIR=/usr/lib/petscdir/petsc3.18/x86_64-linux-gnu-real /usr/bin/python3 bench/petsc_solve.py \
      FILE.mtx cg|gmres icc|ilu [restart]

Same problem as ours: b = A * ones, x0 = 0, unpreconditioned residual norm, rtol 1e-8, atol 0,
right preconditioning for GMRES. Prints one JSON line: setupMs (PCSetUp: the factorization),
solveMs (KSPSolve), iterations, relativeResidual (recomputed)."""
import json, sys, time
import numpy as np
import petsc4py
petsc4py.init(['-malloc', '0'])
from petsc4py import PETSc
import scipy.sparse as sp

path, ksptype, pctype = sys.argv[1], sys.argv[2], sys.argv[3]
restart = int(sys.argv[4]) if len(sys.argv) > 4 else 30
with open(path, 'rb') as f:
    header = f.readline().decode().lower()
    assert 'coordinate' in header and 'general' in header, header
    line = f.readline()
    while line.startswith(b'%'):
        line = f.readline()
    m, n, nnz = (int(t) for t in line.split())
    data = np.array(f.read().split(), dtype=np.float64).reshape(nnz, 3)
A = sp.csr_matrix((data[:, 2], (data[:, 0].astype(np.int64) - 1, data[:, 1].astype(np.int64) - 1)), shape=(m, n))
A.sum_duplicates(); A.sort_indices()
P = PETSc.Mat().createAIJ(size=A.shape, csr=(A.indptr.astype(PETSc.IntType), A.indices.astype(PETSc.IntType), A.data), comm=PETSc.COMM_SELF)
P.assemble()
ones = P.createVecRight(); ones.set(1.0)
b = P.createVecLeft(); P.mult(ones, b)
x = P.createVecRight(); x.set(0.0)
ksp = PETSc.KSP().create(comm=PETSc.COMM_SELF)
ksp.setOperators(P)
ksp.setType(ksptype)
if ksptype == 'gmres':
    ksp.setGMRESRestart(restart)
    ksp.setPCSide(PETSc.PC.Side.RIGHT)
ksp.getPC().setType(pctype)
ksp.setNormType(PETSc.KSP.NormType.UNPRECONDITIONED)
ksp.setTolerances(rtol=1e-8, atol=0.0, max_it=20000)
t0 = time.perf_counter(); ksp.setUp(); t1 = time.perf_counter()
ksp.solve(b, x); t2 = time.perf_counter()
r = b.duplicate(); P.mult(x, r); r.aypx(-1.0, b)
print(json.dumps(dict(setupMs=(t1 - t0) * 1e3, solveMs=(t2 - t1) * 1e3, iterations=ksp.getIterationNumber(),
                      relativeResidual=r.norm() / b.norm(), reason=int(ksp.getConvergedReason()))))
