// Matrix Market loading for the benchmarks. Uses the library's `parseMatrixMarket` when
// dist/index.js exports it; otherwise a small local coordinate reader (real / integer / pattern,
// general / symmetric / skew-symmetric; symmetric entries mirrored, pattern entries = 1.0).
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

/** The text of a .mtx file, gunzipped when it is gzip (magic bytes 1f 8b), as the library reads it. */
function readText(path) {
  const b = readFileSync(path);
  return (b[0] === 0x1f && b[1] === 0x8b ? gunzipSync(b) : b).toString('utf8');
}

/** Plain coordinate reader: returns { rows, cols, rowIndex, colIndex, values } (0-based COO). */
export function readCoordinateLocal(text) {
  let pos = 0;
  const nextLine = () => {
    if (pos >= text.length) return null;
    let e = text.indexOf('\n', pos);
    if (e < 0) e = text.length;
    const line = text.slice(pos, e);
    pos = e + 1;
    return line;
  };
  const banner = (nextLine() ?? '').trim().toLowerCase().split(/\s+/);
  if (banner[0] !== '%%matrixmarket' || banner[1] !== 'matrix' || banner[2] !== 'coordinate') {
    throw new Error(`not a Matrix Market coordinate matrix: ${banner.join(' ')}`);
  }
  const field = banner[3], symmetry = banner[4] ?? 'general';
  if (!['real', 'integer', 'pattern', 'double'].includes(field)) throw new Error(`unsupported field ${field}`);
  if (!['general', 'symmetric', 'skew-symmetric'].includes(symmetry)) throw new Error(`unsupported symmetry ${symmetry}`);
  let line;
  do line = nextLine(); while (line !== null && (line.startsWith('%') || line.trim() === ''));
  const [rows, cols, stored] = line.trim().split(/\s+/).map(Number);
  const cap = symmetry === 'general' ? stored : 2 * stored;
  const ri = new Int32Array(cap), ci = new Int32Array(cap), vs = new Float64Array(cap);
  const pattern = field === 'pattern', sign = symmetry === 'skew-symmetric' ? -1 : 1;
  let k = 0;
  for (let e = 0; e < stored; ) {
    line = nextLine();
    if (line === null) throw new Error(`file ends after ${e} of ${stored} entries`);
    const t = line.trim();
    if (t === '' || t.startsWith('%')) continue;
    const f = t.split(/\s+/);
    const i = Number(f[0]) - 1, j = Number(f[1]) - 1, v = pattern ? 1 : Number(f[2]);
    ri[k] = i; ci[k] = j; vs[k++] = v;
    if (symmetry !== 'general' && i !== j) { ri[k] = j; ci[k] = i; vs[k++] = sign * v; }
    e++;
  }
  return { rows, cols, rowIndex: ri.subarray(0, k), colIndex: ci.subarray(0, k), values: vs.subarray(0, k) };
}

/**
 * Returns a loader `(path) => coo` and which parser it uses: the library's when exported from
 * dist/index.js, else the local reader.
 */
export function matrixMarketLoader(lib) {
  if (typeof lib.parseMatrixMarket === 'function') {
    return {
      parser: 'library parseMatrixMarket',
      load: (path) => {
        const d = lib.parseMatrixMarket(readText(path));
        return { rows: d.rows, cols: d.cols, rowIndex: d.rowIndex, colIndex: d.colIndex, values: d.values };
      },
    };
  }
  return { parser: 'local bench reader (library parseMatrixMarket not exported yet)', load: (path) => readCoordinateLocal(readText(path)) };
}
