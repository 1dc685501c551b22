/**
 * Node-only Matrix Market file helpers (streaming read and write). Browser code should use
 * `parseMatrixMarketStream(response.body)` / `formatMatrixMarketCoordinate` from
 * `matrix-market.ts` instead.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  matrixMarketCoordinateChunks,
  parseMatrixMarketStream,
  type MatrixMarketData,
  type WriteOptions,
} from './matrix-market.js';

/** Chunk size used when reading files. */
const READ_CHUNK_BYTES = 1 << 20;

/**
 * Read and parse a Matrix Market file, streaming it in 1 MiB chunks (the whole text is never held
 * in memory). Rejects with SparseFormatError for malformed content and with the usual Node fs
 * error (ENOENT, ...) when the file cannot be read.
 */
export async function readMatrixMarketFile(path: string): Promise<MatrixMarketData> {
  const stream = createReadStream(path, { highWaterMark: READ_CHUNK_BYTES });
  try {
    return await parseMatrixMarketStream(stream as AsyncIterable<Uint8Array>);
  } finally {
    stream.destroy();
  }
}

/**
 * Write COO data as a Matrix Market coordinate file (same arguments and rules as
 * `formatMatrixMarketCoordinate`), streaming ~64 KiB chunks. Arguments are validated before the
 * file is opened, so invalid input does not leave a partial file behind.
 */
export async function writeMatrixMarketFile(
  path: string,
  rows: number,
  cols: number,
  rowIndex: Int32Array,
  colIndex: Int32Array,
  values: Float64Array | null,
  opts?: WriteOptions,
): Promise<void> {
  const chunks = matrixMarketCoordinateChunks(rows, cols, rowIndex, colIndex, values, opts);
  const first = chunks.next(); // runs the validation pass; throws before anything is written
  function* all(): Generator<string> {
    if (!first.done) yield first.value;
    yield* chunks;
  }
  await pipeline(Readable.from(all(), { objectMode: false }), createWriteStream(path));
}
