/**
 * Node-only Matrix Market file helpers (streaming read and write). Browser code should use
 * `readMatrixMarket(response)` (gzip-aware, `decompress.ts`) or `parseMatrixMarketStream` /
 * `formatMatrixMarketCoordinate` from `matrix-market.ts` instead.
 */
import { createWriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import { SparseFormatError } from '../errors.js';
import { isGzip } from './decompress.js';
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
 * in memory). A gzip-compressed file (`.mtx.gz`, recognised by its magic bytes 1f 8b, whatever
 * its name) is decompressed on the fly. Rejects with SparseFormatError for malformed content or
 * corrupt / truncated gzip data (the message names the file), and with the usual Node fs error
 * (ENOENT, ...) when the file cannot be read.
 */
export async function readMatrixMarketFile(path: string): Promise<MatrixMarketData> {
  const fh = await open(path, 'r');
  try {
    const magic = new Uint8Array(2);
    const { bytesRead } = await fh.read(magic, 0, 2, 0);
    const file = fh.createReadStream({ start: 0, highWaterMark: READ_CHUNK_BYTES, autoClose: false });
    if (!isGzip(magic.subarray(0, bytesRead))) {
      try {
        return await parseMatrixMarketStream(file as AsyncIterable<Uint8Array>);
      } finally {
        file.destroy();
      }
    }
    const gunzip = createGunzip({ chunkSize: 1 << 16 });
    // pipe() does not forward errors: a read error of the file ends the gunzip stream with it.
    file.on('error', (e) => gunzip.destroy(e));
    file.pipe(gunzip);
    try {
      return await parseMatrixMarketStream(zlibErrorsAsFormatErrors(gunzip, path));
    } finally {
      file.destroy();
      gunzip.destroy();
    }
  } finally {
    await fh.close();
  }
}

/** Passes the chunks through; a zlib error (corrupt or truncated data) becomes a SparseFormatError naming the file. */
async function* zlibErrorsAsFormatErrors(source: AsyncIterable<Uint8Array>, path: string): AsyncGenerator<Uint8Array> {
  try {
    for await (const chunk of source) yield chunk;
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('Z_')) {
      throw new SparseFormatError(`${path}: not valid gzip data (${(e as Error).message})`);
    }
    throw e;
  }
}

/**
 * Write COO data as a Matrix Market coordinate file (same arguments and rules as
 * `formatMatrixMarketCoordinate`), streaming ~64 KiB chunks; a name ending in `.gz` is written
 * gzip-compressed (writing has no content to sniff, so the name decides). Arguments are validated
 * before the file is opened, so invalid input does not leave a partial file behind.
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
  const text = Readable.from(all(), { objectMode: false });
  if (/\.gz$/i.test(path)) await pipeline(text, createGzip(), createWriteStream(path));
  else await pipeline(text, createWriteStream(path));
}
