// Orderings and matchings for the direct solvers.
export { amd, amdOfPattern, colamd, colamdOfPattern } from './amd.js';
export type { AmdOptions, ColamdOptions } from './amd.js';
export { symmetricAdjacency, eliminationTree, postorder, choleskyFactorNnz } from './graph.js';
export { maxTransversal, transversalOfPattern, weightedMatching, blockTriangularForm } from './matching.js';
export type { TransversalResult, WeightedMatchingResult, BlockTriangularResult } from './matching.js';
