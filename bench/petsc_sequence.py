#!/usr/bin/python3
"""Times PETSc (petsc4py, Debian python3-petsc4py) on a sequence of systems, for bench/sequence-petsc.mjs.

  /usr/bin/python3 bench/petsc_sequence.py cg|gmres icc|ilu RESTART A_0.mtx A_1.mtx ...

Each system solved independently as ours are: b = ones, x0 = 0, unpreconditioned residual norm,
rtol 1e-8, atol 0, right preconditioning for GMRES, the preconditioner built anew for each matrix.
Reading the files is not timed; matrix assembly, KSP/PC setup and the solve are. Prints one JSON
line: totals (ms, setupMs, solveMs, iterations, converged) and the per-system iteration counts."""
import json, os, sys, time
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from petsc_common import read_aij, to_petsc, make_ksp

ksptype, pctype, restart, files = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4:]
mats = [read_aij(p) for p in files]
its, conv, setup, solve = [], 0, 0.0, 0.0
t_all = time.perf_counter()
for A in mats:
    P = to_petsc(A)
    b = P.createVecLeft(); b.set(1.0)
    x = P.createVecRight(); x.set(0.0)
    ksp = make_ksp(P, ksptype, pctype, restart)
    t0 = time.perf_counter(); ksp.setUp(); t1 = time.perf_counter()
    ksp.solve(b, x); t2 = time.perf_counter()
    setup += t1 - t0; solve += t2 - t1
    its.append(ksp.getIterationNumber())
    conv += 1 if ksp.getConvergedReason() > 0 else 0
    ksp.destroy(); P.destroy()
total = time.perf_counter() - t_all
print(json.dumps(dict(ms=total * 1e3, setupMs=setup * 1e3, solveMs=solve * 1e3, iterations=sum(its), converged=conv, perSystem=its)))
