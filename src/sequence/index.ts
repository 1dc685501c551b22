// Sequences of related systems: solveSequence and its parts.
export { solveSequence, sequenceOrder } from './solve-sequence.js';
export { planChunks, runChunk, solveChunked, isFailedSystem } from './chunks.js';
export type { ChunkSource, ChunkEntry, ChunkOptions, ChunkResult, ChunkTotals, ChunkedOptions, ChunkedResult, FailedSystem } from './chunks.js';
export type {
  SequenceSystem, SequenceSource, UnreadableSystem, SequenceOptions, SequenceResult, SequenceSystemResult, SequenceTotals, TuneOptions,
} from './solve-sequence.js';
export { SequenceError } from './errors.js';
export { greedyOrder } from './sort.js';
export { fingerprintInto, FINGERPRINT_DIM } from './fingerprint.js';
export { TsallisInf, ContextualLearner } from './bandit.js';
export type { ArmLearner } from './bandit.js';
export { GalerkinGuess } from './galerkin.js';
export {
  varcoefSequence, rotatingWindSequence, diffusion2d, convectionDiffusion2d, heatMatrix, heatInitial, gaussianField,
} from './generators.js';
export type { VarcoefOptions } from './generators.js';
