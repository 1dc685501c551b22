// Gzip-compressed Matrix Market input: Node files (readMatrixMarketFile / readMatrix / the CLI, via
// node:zlib) and the browser-safe readMatrixMarket (Response / Blob / stream / bytes, via the
// DecompressionStream that Node 20 also has). Gzip is recognised by its magic bytes, not its name.
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { init, readMatrixMarket, gunzipIfGzip, isGzip, csrFromMatrixMarket, InvalidArgumentError, SparseFormatError } from '../src/index.js';
import { parseMatrixMarket, type MatrixMarketData } from '../src/io/matrix-market.js';
import { readMatrix, readMatrixMarketFile, writeMatrix } from '../src/node.js';
import { matrixBytes, matrixPath, matrixText } from './matrices.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const tmp = mkdtempSync(path.join(tmpdir(), 'sparse-wasm-gzip-'));
function file(name: string, bytes: Uint8Array | string): string {
  const p = path.join(tmp, name);
  writeFileSync(p, bytes);
  return p;
}

const text = matrixText('west0479.mtx');
const want = parseMatrixMarket(text);
const gz = new Uint8Array(readFileSync(matrixPath('west0479.mtx')));
const truncated = gz.subarray(0, Math.floor(gz.length / 2));
/** A flipped byte in the middle of the deflate data: zlib reports invalid data or a bad checksum. */
const corrupt = (() => {
  const c = gz.slice();
  for (let k = 100; k < 140; k++) c[k] ^= 0x5a;
  return c;
})();
/** Only the 8-byte trailer (CRC-32, size) is wrong: every byte of text decompresses, then the check fails. */
const badCrc = (() => {
  const c = gz.slice();
  c[c.length - 8] ^= 0xff;
  return c;
})();

function expectSame(got: MatrixMarketData, ref: MatrixMarketData = want): void {
  expect(got.header).toEqual(ref.header);
  expect([got.rows, got.cols]).toEqual([ref.rows, ref.cols]);
  expect(got.rowIndex).toEqual(ref.rowIndex);
  expect(got.colIndex).toEqual(ref.colIndex);
  expect(got.values).toEqual(ref.values);
}

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a rejection');
}

beforeAll(async () => {
  await init();
});

describe('isGzip', () => {
  it('looks at the magic bytes 1f 8b only', () => {
    expect(isGzip(gz)).toBe(true);
    expect(isGzip(new TextEncoder().encode(text))).toBe(false);
    expect(isGzip(new Uint8Array([0x1f]))).toBe(false);
    expect(isGzip(new Uint8Array([]))).toBe(false);
  });
});

describe('Node: readMatrixMarketFile / readMatrix read gzip transparently', () => {
  it('a .mtx.gz file gives the same data as the plain text', async () => {
    expectSame(await readMatrixMarketFile(matrixPath('west0479.mtx')));
    const { matrix: A, header } = await readMatrix(matrixPath('bcsstk13.mtx'));
    expect([A.rows, A.cols, A.nnz, header.symmetry]).toEqual([2003, 2003, 83883, 'symmetric']);
    A.dispose();
  });

  it('detection is by content: gzip named .mtx and plain text named .gz both read', async () => {
    expectSame(await readMatrixMarketFile(file('really-gzip.mtx', gz)));
    expectSame(await readMatrixMarketFile(file('really-text.mtx.gz', text)));
  });

  it('a large file streams through in many chunks (bayer10, 2.1 MB uncompressed)', async () => {
    expectSame(await readMatrixMarketFile(matrixPath('bayer10.mtx')), parseMatrixMarket(matrixText('bayer10.mtx')));
  });

  it.each([
    ['truncated', truncated],
    ['corrupt', corrupt],
    ['bad CRC', badCrc],
    ['header only', gz.subarray(0, 10)],
  ])('%s gzip is a SparseFormatError naming the file', async (label, bytes) => {
    const p = file(`${label.replace(' ', '-')}.mtx.gz`, bytes);
    const e = await rejection(readMatrixMarketFile(p));
    expect(e).toBeInstanceOf(SparseFormatError);
    expect(e.message).toContain(p);
    expect(e.message).toMatch(/not valid gzip data/);
    await expect(readMatrix(p)).rejects.toThrow(SparseFormatError);
  });

  it('a file too short to be gzip is parsed as text; fs errors keep their code', async () => {
    await expect(readMatrixMarketFile(file('one-byte.mtx', '\x1f'))).rejects.toThrow(SparseFormatError);
    await expect(readMatrixMarketFile(file('empty.mtx.gz', ''))).rejects.toThrow(/empty input/);
    await expect(readMatrixMarketFile(path.join(tmp, 'missing.mtx.gz'))).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(readMatrixMarketFile(tmp)).rejects.toMatchObject({ code: 'EISDIR' });
  });

  it('writeMatrix / writeMatrixMarketFile compress a NAME.gz file, and it reads back the same', async () => {
    const { matrix: A } = await readMatrix(matrixPath('west0479.mtx'));
    const p = path.join(tmp, 'written.mtx.gz');
    await writeMatrix(p, A);
    const bytes = new Uint8Array(readFileSync(p));
    expect(isGzip(bytes)).toBe(true);
    expect(new TextDecoder().decode(gunzipSync(bytes)).startsWith('%%MatrixMarket matrix coordinate real general')).toBe(true);
    const { matrix: B } = await readMatrix(p);
    expect([B.rows, B.cols, B.nnz]).toEqual([A.rows, A.cols, A.nnz]);
    expect(B.values).toEqual(A.values);
    expect(B.colIdx).toEqual(A.colIdx);
    const plain = path.join(tmp, 'written.mtx');
    await writeMatrix(plain, A);
    expect(isGzip(new Uint8Array(readFileSync(plain)))).toBe(false);
    A.dispose(); B.dispose();
  });

  it.runIf(process.platform !== 'win32')('a pipe (a FIFO, /dev/stdin) reads too, gzip or not: the first bytes are sniffed from the stream', async () => {
    const viaFifo = async (name: string, bytes: Uint8Array) => {
      const p = path.join(tmp, name);
      execFileSync('mkfifo', [p]);
      // both opens wait for the other side; a positioned read of a pipe would fail with ESPIPE
      const [data] = await Promise.all([readMatrixMarketFile(p), writeFile(p, bytes)]);
      return data;
    };
    expectSame(await viaFifo('fifo-gz', gz));
    expectSame(await viaFifo('fifo-text', new TextEncoder().encode(text)));
    expect(await rejection(viaFifo('fifo-truncated', truncated))).toBeInstanceOf(SparseFormatError);
  });

  it.runIf(existsSync('/proc/self/fd'))('failed and successful reads leave no file descriptor open', async () => {
    const p = file('fd-truncated.mtx.gz', truncated);
    const bad = file('fd-bad-text.mtx', '%%MatrixMarket matrix coordinate real general\n2 2 1\n9 9 1\n');
    const before = readdirSync('/proc/self/fd').length;
    for (let k = 0; k < 20; k++) {
      await expect(readMatrixMarketFile(p)).rejects.toThrow(SparseFormatError);
      await expect(readMatrixMarketFile(bad)).rejects.toThrow(SparseFormatError);
      await readMatrixMarketFile(matrixPath('west0067.mtx'));
    }
    expect(readdirSync('/proc/self/fd').length).toBeLessThanOrEqual(before);
  });
});

describe('CLI reads .mtx.gz and reports a corrupt one in one line', () => {
  const bin = path.join(root, 'bin', 'sparse-wasm.js');
  const run = (args: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, [bin, ...args], { cwd: root, timeout: 60_000 }, (err, stdout, stderr) => {
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
      });
    });

  it('info on a .mtx.gz, and on a truncated one', async () => {
    const ok = await run(['info', matrixPath('west0479.mtx'), '--json']);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ rows: 479, cols: 479, nnz: 1910 });
    const p = file('cli-truncated.mtx.gz', truncated);
    const bad = await run(['info', p]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/not valid gzip data/);
    expect(bad.stderr.split(p).length - 1, 'the file is named once').toBe(1);
    expect(bad.stderr.trim().split('\n').length).toBe(1);
  });
});

describe('browser-safe readMatrixMarket (Response, Blob, stream, bytes)', () => {
  /** A stream that delivers `bytes` in chunks of `size` bytes. */
  function chunked(bytes: Uint8Array, size: number): ReadableStream<Uint8Array> {
    let pos = 0;
    return new ReadableStream<Uint8Array>({
      pull(c) {
        if (pos >= bytes.length) return c.close();
        c.enqueue(bytes.slice(pos, pos + size));
        pos += size;
      },
    });
  }

  it('gzip and plain data from every kind of source', async () => {
    const plain = new TextEncoder().encode(text);
    for (const bytes of [gz, plain]) {
      expectSame(await readMatrixMarket(new Response(bytes)));
      expectSame(await readMatrixMarket(new Blob([bytes])));
      expectSame(await readMatrixMarket(bytes));
      expectSame(await readMatrixMarket(bytes.slice().buffer));
      // one-byte chunks: the two magic bytes arrive in different chunks
      expectSame(await readMatrixMarket(chunked(bytes, 1)));
      expectSame(await readMatrixMarket(chunked(bytes, 4093)));
    }
  });

  it('into a CsrMatrix, as a browser app would after fetch()', async () => {
    const A = csrFromMatrixMarket(await readMatrixMarket(new Response(new Uint8Array(readFileSync(matrixPath('bcsstk01.mtx'))))));
    expect([A.rows, A.cols, A.nnz]).toEqual([48, 48, 400]);
    A.dispose();
  });

  it('corrupt or truncated gzip is a SparseFormatError naming the input', async () => {
    for (const bytes of [truncated, corrupt, badCrc]) {
      const e = await rejection(readMatrixMarket(new Blob([bytes]), { name: 'west0479.mtx.gz' }));
      expect(e).toBeInstanceOf(SparseFormatError);
      expect(e.message).toMatch(/^west0479\.mtx\.gz: not valid gzip data/);
    }
    const f = new File([truncated], 'upload.mtx.gz');
    expect((await rejection(readMatrixMarket(f))).message).toMatch(/^upload\.mtx\.gz: not valid gzip data/);
    expect(await rejection(readMatrixMarket(chunked(truncated, 100)))).toBeInstanceOf(SparseFormatError);
  });

  it('an unsuccessful or consumed Response, a locked stream and other values are InvalidArgumentError', async () => {
    const e404 = await rejection(readMatrixMarket(new Response('not found', { status: 404, statusText: 'Not Found' })));
    expect(e404).toBeInstanceOf(InvalidArgumentError);
    expect(e404.message).toMatch(/HTTP 404 Not Found/);
    const used = new Response(gz);
    await used.arrayBuffer();
    await expect(readMatrixMarket(used)).rejects.toThrow(InvalidArgumentError);
    const s = chunked(gz, 10);
    s.getReader();
    await expect(readMatrixMarket(s)).rejects.toThrow(InvalidArgumentError);
    for (const bad of [undefined, null, 123, 'text', {}]) {
      await expect(readMatrixMarket(bad as never)).rejects.toThrow(InvalidArgumentError);
    }
  });

  it('an error of the source itself passes through unchanged (it is not a gzip error)', async () => {
    const boom = new Error('network down');
    let sent = false;
    const failing = new ReadableStream<Uint8Array>({
      pull(c) {
        if (!sent) {
          sent = true;
          c.enqueue(gz.subarray(0, 200));
        } else c.error(boom);
      },
    });
    expect(await rejection(readMatrixMarket(failing))).toBe(boom);
  });

  it('empty input is the parser\'s line-1 error; gunzipIfGzip passes plain streams through', async () => {
    const e = await rejection(readMatrixMarket(new Uint8Array(0)));
    expect(e).toBeInstanceOf(SparseFormatError);
    expect((e as SparseFormatError).line).toBe(1);
    const out = await new Response(await gunzipIfGzip(chunked(matrixBytes('LFAT5.mtx'), 7))).text();
    expect(out).toBe(matrixText('LFAT5.mtx'));
    const inflated = await new Response(await gunzipIfGzip(new Blob([gzipSync('hello\n')]).stream())).text();
    expect(inflated).toBe('hello\n');
  });
});
