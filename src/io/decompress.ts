/**
 * Browser-safe reading of Matrix Market data from a fetch Response, a Blob / File, a byte stream or
 * a buffer, gzip-compressed or not. Gzip is recognised by its magic bytes (1f 8b), not by a name,
 * and decompressed while streaming with the platform's `DecompressionStream('gzip')` (browsers,
 * Deno, Node >= 18), so the whole file is never held in memory. Node file reading is in
 * `matrix-market-node.ts` (it uses node:zlib).
 */
import { InvalidArgumentError, SparseFormatError } from '../errors.js';
import { checkOptions } from '../options.js';
import { parseMatrixMarketStream, type MatrixMarketData } from './matrix-market.js';

/** True when the bytes start with the gzip magic number 1f 8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** What `readMatrixMarket` accepts. */
export type MatrixMarketSource = Response | Blob | ReadableStream<Uint8Array> | Uint8Array | ArrayBuffer;

export interface ReadMatrixMarketOptions {
  /** Names the input in error messages (default: the response URL, the file name, or "input"). */
  name?: string;
}

/**
 * Reads and parses Matrix Market data, gunzipping it on the fly when it is gzip:
 * `csrFromMatrixMarket(await readMatrixMarket(await fetch('bcsstk13.mtx.gz')))`.
 * An unsuccessful Response (HTTP 404, ...) or a body already read is an InvalidArgumentError;
 * corrupt or truncated gzip data is a SparseFormatError naming the input; malformed Matrix Market
 * text is a SparseFormatError with its line number, as in `parseMatrixMarket`.
 */
export async function readMatrixMarket(source: MatrixMarketSource, options: ReadMatrixMarketOptions = {}): Promise<MatrixMarketData> {
  const { stream, name } = openSource(source, checkOptions('readMatrixMarket', options, { name: { kind: 'string' } }).name);
  return parseMatrixMarketStream(await gunzipIfGzip(stream, name));
}

function openSource(source: MatrixMarketSource, name: string | undefined): { stream: ReadableStream<Uint8Array>; name: string } {
  if (typeof Response !== 'undefined' && source instanceof Response) {
    const label = name ?? (source.url || 'response');
    if (!source.ok) throw new InvalidArgumentError(`${label}: HTTP ${source.status}${source.statusText ? ` ${source.statusText}` : ''}, no Matrix Market data to read`);
    if (source.bodyUsed) throw new InvalidArgumentError(`${label}: the response body was already read`);
    return { stream: source.body ?? emptyStream(), name: label };
  }
  if (typeof Blob !== 'undefined' && source instanceof Blob) {
    const fileName = (source as { name?: unknown }).name;
    return { stream: source.stream() as ReadableStream<Uint8Array>, name: name ?? (typeof fileName === 'string' && fileName ? fileName : 'blob') };
  }
  if (source instanceof Uint8Array || source instanceof ArrayBuffer) {
    const bytes = source instanceof Uint8Array ? source : new Uint8Array(source);
    return {
      stream: new ReadableStream<Uint8Array>({
        start(c) {
          if (bytes.length > 0) c.enqueue(bytes);
          c.close();
        },
      }),
      name: name ?? 'input',
    };
  }
  if (typeof ReadableStream !== 'undefined' && source instanceof ReadableStream) {
    if (source.locked) throw new InvalidArgumentError(`${name ?? 'stream'}: the stream is locked (already being read)`);
    return { stream: source, name: name ?? 'stream' };
  }
  throw new InvalidArgumentError(
    `readMatrixMarket: expected a Response, Blob, ReadableStream, Uint8Array or ArrayBuffer, got ${source === null ? 'null' : typeof source}`,
  );
}

function emptyStream(): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({ start: (c) => c.close() });
}

/**
 * Returns a stream of the decompressed bytes when `stream` is gzip (by its first two bytes), else
 * a stream of the same bytes. Decompression errors (corrupt or truncated data) surface from the
 * returned stream as SparseFormatError naming `name`; errors of the source itself pass through.
 */
export async function gunzipIfGzip(stream: ReadableStream<Uint8Array>, name = 'input'): Promise<ReadableStream<Uint8Array>> {
  const reader = stream.getReader();
  // Read until two bytes are known (or the end), then replay them in front of the rest.
  const head: Uint8Array[] = [];
  let have = 0;
  let ended = false;
  let bytesOnly = true;
  try {
    while (have < 2) {
      const { done, value } = await reader.read();
      if (done) {
        ended = true;
        break;
      }
      if (!(value instanceof Uint8Array)) bytesOnly = false; // e.g. text chunks: not gzip
      head.push(value);
      have += value instanceof Uint8Array ? value.length : 2;
    }
  } catch (e) {
    reader.releaseLock();
    throw e;
  }
  const first = new Uint8Array(Math.min(have, 2));
  if (bytesOnly) {
    let k = 0;
    for (const h of head) for (let i = 0; i < h.length && k < first.length; i++) first[k++] = h[i]!;
  }
  const gzip = bytesOnly && isGzip(first);

  let sourceFailed = false;
  const replay = new ReadableStream<Uint8Array>({
    start(c) {
      for (const h of head) c.enqueue(h);
      if (ended) {
        c.close();
        reader.releaseLock();
      }
    },
    async pull(c) {
      try {
        const { done, value } = await reader.read();
        if (done) {
          c.close();
          reader.releaseLock();
        } else c.enqueue(value);
      } catch (e) {
        sourceFailed = true;
        c.error(e);
      }
    },
    cancel(reason) {
      return ended ? undefined : reader.cancel(reason);
    },
  });
  if (!gzip) return replay;
  if (typeof DecompressionStream === 'undefined') {
    await replay.cancel();
    throw new InvalidArgumentError(
      `${name}: the data is gzip-compressed and this JavaScript engine has no DecompressionStream; decompress it first`,
    );
  }
  // The cast: TypeScript's DOM types want ArrayBuffer-backed chunks for DecompressionStream; ours are.
  const gunzip = new DecompressionStream('gzip') as unknown as ReadableWritablePair<Uint8Array, Uint8Array>;
  const inflated = replay.pipeThrough(gunzip).getReader();
  return new ReadableStream<Uint8Array>({
    async pull(c) {
      try {
        const { done, value } = await inflated.read();
        if (done) c.close();
        else c.enqueue(value);
      } catch (e) {
        c.error(sourceFailed ? e : new SparseFormatError(`${name}: not valid gzip data (${(e as Error).message})`));
      }
    },
    cancel(reason) {
      return inflated.cancel(reason);
    },
  });
}
