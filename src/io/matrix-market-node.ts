/**
 * Node-only Matrix Market file helpers (streaming read and write). Browser code should use
 * `readMatrixMarket(response)` (gzip-aware, `decompress.ts`) or `parseMatrixMarketStream` /
 * `formatMatrixMarketCoordinate` from `matrix-market.ts` instead.
 */
import { createReadStream, createWriteStream } from 'node:fs';
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
  // The first bytes are sniffed from the stream itself, not by a positioned read, so that pipes and
  // devices (/dev/stdin, a FIFO) read as before.
  const file = createReadStream(path, { highWaterMark: READ_CHUNK_BYTES });
  const chunks = file[Symbol.asyncIterator]() as AsyncIterator<Uint8Array>;
  try {
    const head: Uint8Array[] = [];
    let have = 0;
    while (have < 2) {
      const next = await chunks.next(); // fs errors (ENOENT, EISDIR, ...) surface here
      if (next.done) break;
      head.push(next.value);
      have += next.value.length;
    }
    async function* all(): AsyncGenerator<Uint8Array> {
      yield* head;
      for (;;) {
        const next = await chunks.next();
        if (next.done) return;
        yield next.value;
      }
    }
    const magic = new Uint8Array(Math.min(have, 2));
    let k = 0;
    for (const h of head) for (let i = 0; i < h.length && k < magic.length; i++) magic[k++] = h[i]!;
    if (!isGzip(magic)) return await parseMatrixMarketStream(all());
    const source = Readable.from(all(), { objectMode: false });
    const gunzip = createGunzip({ chunkSize: 1 << 16 });
    // pipe() does not forward errors: a read error of the file ends the gunzip stream with it.
    source.on('error', (e) => gunzip.destroy(e));
    source.pipe(gunzip);
    try {
      return await parseMatrixMarketStream(zlibErrorsAsFormatErrors(gunzip, path));
    } finally {
      source.destroy();
      gunzip.destroy();
    }
  } finally {
    file.destroy();
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
