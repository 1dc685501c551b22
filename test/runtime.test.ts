// Loading the wasm: failed loads are WasmLoadError (with URL and HTTP status), not
// WasmUnsupportedError; init options of the wrong kind are refused before anything is loaded;
// the main entry's default URLs (runtime/wasm-url.ts) point at the shipped builds.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  init, createRuntime, CsrMatrix, InvalidArgumentError, WasmLoadError, WasmUnsupportedError, type InitOptions,
} from '../src/index.js';
import * as main from '../src/main.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const wasmBytes = readFileSync(path.join(root, 'build', 'sparse-scalar.wasm'));

/** Rejects with a WasmLoadError that is not a WasmUnsupportedError; returns it. */
async function loadError(p: Promise<unknown>): Promise<WasmLoadError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(WasmLoadError);
  expect(e).not.toBeInstanceOf(WasmUnsupportedError);
  return e as WasmLoadError;
}

describe('a failed load is a WasmLoadError naming the URL and status', () => {
  let server: Server;
  let origin = '';

  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/ok.wasm') {
        res.writeHead(200, { 'content-type': 'application/wasm' }).end(wasmBytes);
      } else if (req.url === '/ok-octet.wasm') {
        res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(wasmBytes);
      } else if (req.url === '/page.wasm') {
        // what a dev server's SPA fallback answers for a path it does not know
        res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><html><body>app</body></html>');
      } else if (req.url === '/fail.wasm') {
        res.writeHead(500).end('boom');
      } else {
        res.writeHead(404).end('not found');
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('HTTP 404 and 500', async () => {
    const e404 = await loadError(createRuntime({ source: `${origin}/missing.wasm`, initialMemoryMiB: 1 }));
    expect(e404.status).toBe(404);
    expect(e404.url).toBe(`${origin}/missing.wasm`);
    expect(e404.message).toBe(`cannot fetch the wasm module: HTTP 404 Not Found from ${origin}/missing.wasm`);
    const e500 = await loadError(createRuntime({ source: new URL(`${origin}/fail.wasm`), initialMemoryMiB: 1 }));
    expect(e500.status).toBe(500);
    expect(e500.message).toMatch(/HTTP 500 /);
  });

  it('a 200 answer that is not wasm (an HTML page) says so', async () => {
    const e = await loadError(createRuntime({ source: `${origin}/page.wasm`, initialMemoryMiB: 1 }));
    expect(e.status).toBeUndefined();
    expect(e.url).toBe(`${origin}/page.wasm`);
    expect(e.message).toMatch(/is not a WebAssembly module \(\d+ bytes, starting "<!doctype html><"\)/);
  });

  it('a network failure (nothing listening)', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const e = await loadError(createRuntime({ source: `http://127.0.0.1:${port}/x.wasm`, initialMemoryMiB: 1 }));
    expect(e.status).toBeUndefined();
    expect(e.url).toBe(`http://127.0.0.1:${port}/x.wasm`);
    expect(e.message).toMatch(/network error/);
    expect(e.cause).toBeDefined();
  });

  it('a missing file, a Response, a rejected promise, bytes that are not wasm', async () => {
    const missing = pathToFileURL(path.join(root, 'build', 'no-such-build.wasm'));
    const eFile = await loadError(createRuntime({ source: missing, initialMemoryMiB: 1 }));
    expect(eFile.url).toBe(missing.href);
    expect(eFile.message).toMatch(/ENOENT/);
    const eResponse = await loadError(createRuntime({ source: new Response('gone', { status: 410 }), initialMemoryMiB: 1 }));
    expect(eResponse.status).toBe(410);
    const eRejected = await loadError(createRuntime({ source: Promise.reject(new TypeError('Failed to fetch')), initialMemoryMiB: 1 }));
    expect(eRejected.message).toMatch(/Failed to fetch/);
    const eBytes = await loadError(createRuntime({ source: new Uint8Array([1, 2, 3, 4, 5]), initialMemoryMiB: 1 }));
    expect(eBytes.message).toMatch(/not a WebAssembly module \(5 bytes/);
    // right magic number, broken body: the engine's compile error, wrapped
    const eBroken = await loadError(createRuntime({ source: wasmBytes.subarray(0, 100), initialMemoryMiB: 1 }));
    expect(eBroken.message).toMatch(/cannot compile the WebAssembly module/);
    expect(eBroken.cause).toBeInstanceOf(WebAssembly.CompileError);
  });

  it('the same server delivers a working module (streaming and not), and init() works after a failed init()', async () => {
    for (const file of ['ok.wasm', 'ok-octet.wasm']) {
      const rt = await createRuntime({ source: `${origin}/${file}`, initialMemoryMiB: 1 });
      expect(rt.simd).toBe(false);
    }
    await loadError(init({ source: `${origin}/missing.wasm` }));
    const rt = await init({ source: `${origin}/ok.wasm` });
    const A = CsrMatrix.fromDense([[2, 0], [1, 3]], { runtime: rt });
    expect(Array.from(A.multiply([1, 1]))).toEqual([2, 4]);
    A.dispose();
  });
});

describe('init options of the wrong kind are refused before loading', () => {
  const bad: [string, unknown][] = [
    ['build "gpu"', { build: 'gpu' }],
    ['build "SIMD"', { build: 'SIMD' }],
    ['build 1', { build: 1 }],
    ['build null', { build: null }],
    ['source 42', { source: 42 }],
    ['source {}', { source: {} }],
    ['source null', { source: null }],
    ['source true', { source: true }],
    ['initialMemoryMiB "64"', { initialMemoryMiB: '64' }],
    ['initialMemoryMiB 0', { initialMemoryMiB: 0 }],
    ['initialMemoryMiB -1', { initialMemoryMiB: -1 }],
    ['initialMemoryMiB NaN', { initialMemoryMiB: NaN }],
    ['initialMemoryMiB 8192', { initialMemoryMiB: 8192 }],
    ['maximumMemoryMiB Infinity', { maximumMemoryMiB: Infinity }],
    ['maximumMemoryMiB 4097', { maximumMemoryMiB: 4097 }],
    ['maximumMemoryMiB "1"', { maximumMemoryMiB: '1' }],
    ['initial above maximum', { initialMemoryMiB: 64, maximumMemoryMiB: 32 }],
    ['unknown option', { memory: 64 }],
    ['options null', null],
    ['options a string', 'scalar'],
    ['options an array', []],
  ];

  it.each(bad)('%s: InvalidArgumentError from createRuntime (both entries) and init', async (_, options) => {
    const o = options as InitOptions;
    await expect(createRuntime(o)).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(main.createRuntime(o)).rejects.toBeInstanceOf(InvalidArgumentError);
    // refused even when a default runtime already exists (init returns it for good options)
    await init();
    await expect(init(o)).rejects.toBeInstanceOf(InvalidArgumentError);
  });

  it('messages name the option and the value', async () => {
    await expect(createRuntime({ build: 'gpu' } as unknown as InitOptions)).rejects.toThrow(
      `init: option build must be 'auto', 'simd' or 'scalar', got "gpu" (a string)`,
    );
    await expect(createRuntime({ source: 42 } as unknown as InitOptions)).rejects.toThrow(/^init: option source must be wasm bytes .*, got 42$/);
    await expect(createRuntime({ initialMemoryMiB: '64' } as unknown as InitOptions)).rejects.toThrow(
      'init: option initialMemoryMiB must be a number in (0, 4096], got "64" (a string)',
    );
  });

  it('valid options still work: explicit builds, a maximum below the default initial size', async () => {
    expect((await createRuntime({ build: 'scalar', initialMemoryMiB: 1 })).simd).toBe(false);
    expect((await createRuntime({ build: 'simd', initialMemoryMiB: 1 })).simd).toBe(true);
    const small = await createRuntime({ maximumMemoryMiB: 16 });
    expect(small.stats().memoryBytes).toBe(16 * 2 ** 20);
  });

  it('the edges of the ranges are accepted; undefined counts as absent; the unknown key is named with the known ones', async () => {
    // a fraction of a MiB is rounded up to whole 64 KiB pages; initial may equal the maximum
    expect((await createRuntime({ initialMemoryMiB: 0.5, maximumMemoryMiB: 0.5 })).stats().memoryBytes).toBe(2 ** 19);
    expect((await createRuntime({ initialMemoryMiB: 1, maximumMemoryMiB: 4096 })).stats().memoryBytes).toBe(2 ** 20);
    expect((await createRuntime({ build: undefined, source: undefined, initialMemoryMiB: 1 })).stats().memoryBytes).toBe(2 ** 20);
    await expect(createRuntime({ memory: 64 } as unknown as InitOptions)).rejects.toThrow(
      'init: unknown option "memory" (known: source, build, initialMemoryMiB, maximumMemoryMiB, threads, parallelThreshold)',
    );
    await expect(createRuntime({ initialMemoryMiB: 64, maximumMemoryMiB: 32 })).rejects.toThrow(
      'init: option initialMemoryMiB (64) is larger than maximumMemoryMiB (32)',
    );
    await expect(createRuntime(null as unknown as InitOptions)).rejects.toThrow('init: options must be an object, got null');
  });
});

describe('the main entry (sparse-wasm) loads the shipped builds by their literal URLs', () => {
  it('default SIMD build and the scalar one', async () => {
    const simd = await main.createRuntime({ initialMemoryMiB: 1 });
    expect(simd.simd).toBe(true);
    const scalar = await main.createRuntime({ build: 'scalar', initialMemoryMiB: 1 });
    expect(scalar.simd).toBe(false);
    const A = main.CsrMatrix.fromDense([[1, 2], [3, 4]], { runtime: scalar });
    expect(Array.from(A.multiply([1, -1]))).toEqual([-1, -1]);
    A.dispose();
  });

  it('the threads build (init({ threads }))', async () => {
    const rt = await main.createRuntime({ threads: 2, initialMemoryMiB: 1 });
    expect(rt.threads).toBe(2);
    expect(rt.memory.buffer).toBeInstanceOf(SharedArrayBuffer);
    const A = main.CsrMatrix.fromDense([[1, 2], [3, 4]], { runtime: rt });
    expect(Array.from(A.multiply([1, -1]))).toEqual([-1, -1]);
    A.dispose();
    await (rt as main.ThreadedRuntime).terminate();
  });
});
