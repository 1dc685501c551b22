// The wasm module's exports: every kernel the facade calls. Kernels take byte pointers and
// lengths, allocate nothing, and return counts or status codes. Declared for the facade once, in
// src/runtime/kernels.ts (test/kernels.test.ts keeps the two the same set).
export { alloc, free, simdEnabled } from './memory';
export { dot, axpy, scal, copy, fill, nrm2 } from './blas1';
export { csrSpmv, csrSpmvScaled, csrSpmvTransposed } from './spmv_csr';
export { sellSpmv, sellSpmvRange, sellFill } from './spmv_sell';
export { cooToCsr, csrTranspose, csrDiagonal } from './convert';
export { jacobiApply } from './jacobi';
export { xpby, axpby, sub, cgStep, bicgDirection, bicgHalf, bicgUpdate, orthogonalize, combine, allFinite } from './krylov';
export { spgemmFlops, spgemmSymbolic, spgemmNumeric, spgemmRecompute } from './spgemm';
export { csrUnionCount, csrAddFill, csrIntersectCount, csrHadamardFill, csrDropCount, csrDropFill, csrPermute, csrRenumber, permInverse, csrBandwidth, csrSortRows, allFiniteScaled } from './ops';
export { rcmOrder } from './rcm';
export { csrDiagonalSplit, csrTriangleRowPtr, csrTriangleCols, trsvLowerUnit, trsvLowerScaled, trsvUpperScaled, trsvLowerTransposedScaled } from './trsv';
export { ic0Factor } from './ic0';
export { ilu0Factor } from './ilu0';
export { ilutFactor } from './ilut';
export { ssorDiagonal, csrIsSymmetric, ssorApply } from './ssor';
export { multiDot, multiAxpy, multiAxpySumsq, multiAxpyDot, multiDotF32, multiAxpyF32, multiAxpySumsqF32, demoteF64, promoteF32 } from './block';
export { frontPackSize, frontFactor } from './dense_front';
export { cholGather, cholFactor, cholSolve, cholPermute } from './cholesky';
export { luFactor, luRefactor, luSolve, luSolveTransposed } from './lu';
export { csrSpmm, csrSpmmDot } from './spmm';
export { mvDot, mvCgStep, mvXpby, mvJacobi, mvGetColumn, mvSetColumn, mvCompact } from './multivec';
export { trsmLowerUnit, trsmLowerScaled, trsmUpperScaled, trsmLowerTransposedScaled } from './trsm';
