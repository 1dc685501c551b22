// sparse-wasm: sparse linear algebra for JavaScript on WebAssembly SIMD kernels.
export { init, createRuntime, getRuntime, simdSupported, SparseRuntime } from './runtime/runtime.js';
export type { InitOptions, WasmSource, RuntimeStats } from './runtime/runtime.js';
export { ThreadedRuntime, threadsSupported, threadsUnavailableReason, threadWorkerCount } from './runtime/threads.js';
export { CsrMatrix } from './matrix/csr.js';
export type { MatrixOptions, MultiplyOptions, CooArrays, SpmvLayout } from './matrix/csr.js';
export { DenseVector } from './vector.js';
export type { VectorLike } from './vector.js';
export { dot, axpy, scale, copy, norm2 } from './blas1.js';
export * from './errors.js';
export {
  MatrixMarketParser, parseMatrixMarket, parseMatrixMarketStream, formatMatrixMarketCoordinate,
  formatMatrixMarketArray, matrixMarketCoordinateChunks, DEFAULT_MAX_LINE_LENGTH,
} from './io/matrix-market.js';
export type { MatrixMarketData, MatrixMarketHeader, MmField, MmSymmetry, MmFormat, WriteOptions, MatrixMarketParseOptions } from './io/matrix-market.js';
export { csrFromMatrixMarket, csrToMatrixMarket } from './io/csr-io.js';
export { readMatrixMarket, gunzipIfGzip, isGzip } from './io/decompress.js';
export type { MatrixMarketSource, ReadMatrixMarketOptions } from './io/decompress.js';
export { matrixProperties } from './matrix/properties.js';
export type { MatrixProperties } from './matrix/properties.js';
export { poisson2d } from './matrix/generators.js';
export { SolverSession, solve } from './session/session.js';
export type { SessionOptions, SessionTimings } from './session/session.js';
export { checkSessionSpec, splitSessionOptions } from './session/spec.js';
export type { SessionSpec, SessionHooks } from './session/spec.js';
export { METHOD_NAMES } from './solvers/registry.js';
export type { RecycleSpace, RecycleStatus } from './solvers/recycle.js';
export type {
  MethodName, StopReason, ResidualKind, IterationState, SolveOptions, SetupOptions, SolveResult, SolveTimings,
  PreconditionerFunction, PreconditionerSpec,
} from './solvers/types.js';
export { createPreconditioner } from './precond/factory.js';
export {
  preconditioners, preconditionerNames, preconditionerDescriptor, findPreconditioners, preferredPreconditioner, matrixFacts,
  type PreconditionerDescriptor, type PreconditionerRequest, type MatrixFacts, type Guarantee,
} from './precond/registry.js';
export { JacobiPreconditioner, type JacobiInfo, type JacobiOptions } from './precond/jacobi.js';
export { ChebyshevPreconditioner, type ChebyshevInfo, type ChebyshevOptions } from './precond/chebyshev.js';
export { Ic0Preconditioner, type Ic0Info, type Ic0Options } from './precond/ic0.js';
export { Ilu0Preconditioner, type Ilu0Info, type Ilu0Options } from './precond/ilu0.js';
export { IlutPreconditioner, type IlutInfo, type IlutOptions } from './precond/ilut.js';
export { SsorPreconditioner, type SsorInfo, type SsorOptions } from './precond/ssor.js';
export type { LuInfo } from './precond/lu.js';
export type { SetupTimes } from './precond/base.js';
export { FunctionPreconditioner } from './precond/user.js';
export { FactorPreconditioner } from './precond/factor.js';
export type { Preconditioner, PreconditionerInfo, PreconditionerName, PreconditionerOptions, PivotPolicy } from './precond/types.js';
export { TriangularAnalysis, analyzeIc0, analyzeIlu0, type AnalysisKind } from './factor/analysis.js';
export type { CsrArrays, FactorArrays } from './factor/triangle.js';
export { spgemm, SpgemmProduct, TripleProduct, tripleProduct, spgemmFlops, DEFAULT_HASH_MAX, DEFAULT_WIDE_RATIO } from './matrix/spgemm.js';
export type { SpgemmOptions, SpgemmTimings, TripleProductOptions, Accumulator } from './matrix/spgemm.js';
export {
  add, subtract, elementwiseMultiply, transpose, multiplyAtB, multiplyABt, drop, permute, symmetricPermute, permuteRows,
  permuteColumns, inversePermutation, bandwidth,
} from './matrix/ops.js';
export type { AddOptions, DropOptions } from './matrix/ops.js';
export { reverseCuthillMcKee, rcmReorder } from './matrix/ordering.js';
export type { RcmOptions, RcmResult } from './matrix/ordering.js';
export * from './sequence/index.js';
export * from './pool/index.js';
export {
  amd, colamd, eliminationTree, postorder, choleskyFactorNnz, maxTransversal, weightedMatching, blockTriangularForm,
} from './direct/ordering/index.js';
export type { AmdOptions, ColamdOptions, TransversalResult, WeightedMatchingResult, BlockTriangularResult } from './direct/ordering/index.js';
export { MatchedPreconditioner } from './precond/matched.js';
export { SparseCholesky, cholesky } from './direct/cholesky.js';
export type { CholeskyOptions, CholeskyInfo, CholeskyOrdering } from './direct/cholesky.js';
export { SparseLu, lu } from './direct/lu.js';
export type { LuOptions, SparseLuInfo, LuRefactorResult, LuSolveResult, LuOrdering, CscArrays } from './direct/lu.js';
export type { DenseBlock, BlockLike } from './matrix/dense-block.js';
export type { SolveManyOptions, SolveManyResult, ManyIterationState } from './solvers/many.js';
