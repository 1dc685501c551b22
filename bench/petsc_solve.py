#!/usr/bin/python3
"""Times one PETSc (petsc4py, Debian python3-petsc4py) Krylov solve, for bench/solve.mjs.

  PETSC_DIR=/usr/lib/petscdir/petsc3.18/x86_64-linux-gnu-real /usr/bin/python3 bench/petsc_solve.py \
      FILE.mtx cg|gmres icc|ilu [restart]

Same problem as ours: b = A * ones, x0 = 0, unpreconditioned residual norm, rtol 1e-8, atol 0,
right preconditioning for GMRES. Prints one JSON line: setupMs (PCSetUp: the factorization),
solveMs (KSPSolve), iterations, relativeResidual (recomputed)."""
import json, os, sys, time
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from petsc_common import read_aij, to_petsc, make_ksp

path, ksptype, pctype = sys.argv[1], sys.argv[2], sys.argv[3]
restart = int(sys.argv[4]) if len(sys.argv) > 4 else 30
P = to_petsc(read_aij(path))
ones = P.createVecRight(); ones.set(1.0)
b = P.createVecLeft(); P.mult(ones, b)
x = P.createVecRight(); x.set(0.0)
ksp = make_ksp(P, ksptype, pctype, restart)
t0 = time.perf_counter(); ksp.setUp(); t1 = time.perf_counter()
ksp.solve(b, x); t2 = time.perf_counter()
r = b.duplicate(); P.mult(x, r); r.aypx(-1.0, b)
print(json.dumps(dict(setupMs=(t1 - t0) * 1e3, solveMs=(t2 - t1) * 1e3, iterations=ksp.getIterationNumber(),
                      relativeResidual=r.norm() / b.norm(), reason=int(ksp.getConvergedReason()))))
