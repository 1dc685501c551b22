// The SpMV cases run both in the browser page (test/browser/main.js, library from /dist/index.js)
// and in Node (test/browser.test.ts, library from ../../dist/index.js), so both sides do exactly the
// same calls in the same order. Plain ESM JavaScript: the page loads it without a build step.

/** Matrix Market files in test/browser/fixtures/ (byte copies of test/fixtures/matrices ones, see README there). */
export const FIXTURES = ['bcsstk01.mtx', 'orsirr_1.mtx'];

/** SpMV layouts tried on the default runtime (`init()`); the other runtimes use 'auto'. */
export const LAYOUTS = ['auto', 'csr', 'sell'];

/** The deterministic input vector: x_i = sin(i + 1). */
export function inputVector(n) {
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) x[i] = Math.sin(i + 1);
  return x;
}

/** The exact bytes of a Float64Array as base64 (little-endian IEEE 754), for a bitwise comparison. */
export function f64ToBase64(a) {
  const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x2000) s += String.fromCharCode(...bytes.subarray(i, i + 0x2000));
  return btoa(s);
}

export function base64ToF64(b64) {
  const s = atob(b64);
  const bytes = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) bytes[i] = s.charCodeAt(i);
  return new Float64Array(bytes.buffer);
}

/**
 * Parses every fixture with `lib.parseMatrixMarket`, builds it with `CsrMatrix.fromCoo` on three
 * runtimes (the default one from `init()`, loading build/sparse.wasm by its default URL; the inlined
 * SIMD build; the inlined scalar build) and multiplies it by x.
 *
 * @param lib     the package's main module (dist/index.js)
 * @param inline  dist/inline.js ({ simdWasm, scalarWasm })
 * @param loadText  async (fixtureName) => Matrix Market text
 * @param xFor    optional (fixtureName, n) => Float64Array, to use a given x instead of inputVector(n)
 */
export async function runCases(lib, inline, loadText, xFor) {
  const defaultRuntime = await lib.init();
  const runtimes = {
    default: defaultRuntime,
    'inline-simd': await lib.createRuntime({ source: inline.simdWasm, initialMemoryMiB: 16 }),
    'inline-scalar': await lib.createRuntime({ source: inline.scalarWasm, build: 'scalar', initialMemoryMiB: 16 }),
  };
  const cases = [];
  const inputs = {};
  for (const fixture of FIXTURES) {
    const m = lib.parseMatrixMarket(await loadText(fixture));
    const x = xFor ? xFor(fixture, m.cols) : inputVector(m.cols);
    inputs[fixture] = { rows: m.rows, cols: m.cols, entries: m.values.length, x: f64ToBase64(x) };
    for (const [variant, runtime] of Object.entries(runtimes)) {
      for (const layout of variant === 'default' ? LAYOUTS : ['auto']) {
        // the default runtime is used implicitly, as an application would after `await init()`
        const options = variant === 'default' ? { spmv: layout } : { runtime, spmv: layout };
        const A = lib.CsrMatrix.fromCoo(m.rows, m.cols, m.rowIndex, m.colIndex, m.values, options);
        try {
          const y = A.multiply(x);
          cases.push({ fixture, variant, layout, rows: A.rows, cols: A.cols, nnz: A.nnz, y: f64ToBase64(y) });
        } finally {
          A.dispose();
        }
      }
    }
  }
  return {
    simdSupported: lib.simdSupported(),
    simd: Object.fromEntries(Object.entries(runtimes).map(([k, rt]) => [k, rt.simd])),
    inputs,
    cases,
  };
}
