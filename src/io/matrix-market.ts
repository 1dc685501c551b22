/**
 * Matrix Market (https://math.nist.gov/MatrixMarket/formats.html) reader and writer.
 *
 * Pure TypeScript and browser-safe: no `node:` imports here (the Node file helpers live in
 * `matrix-market-node.ts`).
 *
 * Supported: `matrix` objects in `coordinate` or `array` format, fields `real` (alias `double`),
 * `integer` and `pattern`, symmetries `general`, `symmetric` and `skew-symmetric`.
 * `complex` and `hermitian` are rejected with a {@link SparseFormatError} saying "unsupported".
 *
 * The reader (`matrix-market/reader.ts`, its number parsing in `numbers.ts`) and the writer
 * (`writer.ts`) share the header vocabulary of `format.ts`; this module is their public surface.
 */
export type { MmField, MmSymmetry, MmFormat, MatrixMarketHeader, MatrixMarketData } from './matrix-market/format.js';
export {
  DEFAULT_MAX_LINE_LENGTH,
  MatrixMarketParser,
  parseMatrixMarket,
  parseMatrixMarketStream,
  type MatrixMarketParseOptions,
} from './matrix-market/reader.js';
export {
  matrixMarketCoordinateChunks,
  formatMatrixMarketCoordinate,
  formatMatrixMarketArray,
  type WriteOptions,
} from './matrix-market/writer.js';
