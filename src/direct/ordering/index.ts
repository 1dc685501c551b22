// Orderings and matchings for the direct solvers.
export { amd, amdOfPattern, colamd, colamdOfPattern } from './amd.js';
export type { AmdOptions, ColamdOptions } from './amd.js';
export { symmetricAdjacency, eliminationTree, postorder, choleskyFactorNnz } from './graph.js';
