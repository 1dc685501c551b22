"""Shared by bench/petsc_solve.py and bench/petsc_sequence.py: reading a general coordinate Matrix
Market file into a PETSc AIJ matrix, and a KSP set up as our solvers run (unpreconditioned
residual norm, rtol 1e-8, atol 0, right preconditioning for GMRES)."""
import numpy as np
import petsc4py
petsc4py.init(['-malloc', '0'])
from petsc4py import PETSc
import scipy.sparse as sp


def read_aij(path):
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


def to_petsc(A):
    P = PETSc.Mat().createAIJ(size=A.shape, csr=(A.indptr.astype(PETSc.IntType), A.indices.astype(PETSc.IntType), A.data), comm=PETSc.COMM_SELF)
    P.assemble()
    return P


def make_ksp(P, ksptype, pctype, restart):
    ksp = PETSc.KSP().create(comm=PETSc.COMM_SELF)
    ksp.setOperators(P)
    ksp.setType(ksptype)
    if ksptype == 'gmres':
        ksp.setGMRESRestart(restart)
        ksp.setPCSide(PETSc.PC.Side.RIGHT)
    ksp.getPC().setType(pctype)
    ksp.setNormType(PETSc.KSP.NormType.UNPRECONDITIONED)
    ksp.setTolerances(rtol=1e-8, atol=0.0, max_it=20000)
    return ksp
