#!/usr/bin/python3
"""Times PETSc (petsc4py, Debian python3-petsc4py) on a sequence of systems, for bench/sequence-petsc.mjs.

  /usr/bin/python3 bench/petsc_sequence.py cg|gmres icc|ilu RESTART A_0.mtx A_1.mtx ...

Each system solved independently as ours are: b = ones, x0 = 0, unpreconditioned residual norm,
rtol 1e-8, atol 0, right preconditioning for GMRES, the preconditioner built anew for each matrix.
Reading the files is not timed; matrix assembly, KSP/PC setup and the solve are. Prints one JSON
line: totals (ms, setupMs, solveMs, iterations, converged) and the per-system iteration counts."""
import json, sys, time
import numpy as np
import petsc4py
petsc4py.init(['-malloc', '0'])
from petsc4py import PETSc
import scipy.sparse as sp

ksptype, pctype, restart, files = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4:]


def read(path):
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
    return A


mats = [read(p) for p in files]
its, conv, setup, solve = [], 0, 0.0, 0.0
t_all = time.perf_counter()
for A in mats:
    P = PETSc.Mat().createAIJ(size=A.shape, csr=(A.indptr.astype(PETSc.IntType), A.indices.astype(PETSc.IntType), A.data), comm=PETSc.COMM_SELF)
    P.assemble()
    b = P.createVecLeft(); b.set(1.0)
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
    setup += t1 - t0; solve += t2 - t1
    its.append(ksp.getIterationNumber())
    conv += 1 if ksp.getConvergedReason() > 0 else 0
    ksp.destroy(); P.destroy()
total = time.perf_counter() - t_all
print(json.dumps(dict(ms=total * 1e3, setupMs=setup * 1e3, solveMs=solve * 1e3, iterations=sum(its), converged=conv, perSystem=its)))
