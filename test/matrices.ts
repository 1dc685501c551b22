// The real test matrices. The suite carries them, gzipped, in test/fixtures/matrices (sources and
// licence in the README there, facts in index.json), so `npm test` needs nothing outside the
// checkout. A directory of extra .mtx files (SPARSE_WASM_EXTRA_MATRICES, else ../shared/matrices
// beside the checkout) may ADD cases to the tests that run over every matrix; it is never required.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The bundled fixtures: NAME.mtx.gz, README.md, index.json. */
export const fixtureDir = path.join(root, 'test', 'fixtures', 'matrices');

/** One row of test/fixtures/matrices/index.json (copied from the shared matrix index). */
export interface FixtureEntry {
  name: string;
  repository: string;
  commit: string;
  path: string;
  rows: number;
  cols: number;
  nnzStored: number;
  nnzExpanded: number;
  field: string;
  symmetry: string;
  spd: string;
  kind: string;
  /** size of the uncompressed file */
  bytes: number;
  notes: string;
  /** SHA-256 of the uncompressed file */
  sha256: string;
}

export const fixtureIndex: FixtureEntry[] = (
  JSON.parse(readFileSync(path.join(fixtureDir, 'index.json'), 'utf8')) as { matrices: FixtureEntry[] }
).matrices;

/** Names ('bcsstk13.mtx', ...) of the bundled matrices, sorted. */
export const bundledMatrices: string[] = fixtureIndex.map((e) => e.name).sort();
const bundled = new Set(bundledMatrices);

function findExtraDir(): string | undefined {
  const env = process.env.SPARSE_WASM_EXTRA_MATRICES;
  if (env) {
    if (!existsSync(env)) throw new Error(`SPARSE_WASM_EXTRA_MATRICES=${env}: no such directory`);
    return path.resolve(env);
  }
  const beside = path.resolve(root, '..', 'shared', 'matrices');
  return existsSync(beside) ? beside : undefined;
}

/** The optional directory of extra matrices, or undefined. */
export const extraMatrixDir: string | undefined = findExtraDir();

/** .mtx files in the extra directory that are not bundled (usually none), sorted. */
export const extraMatrices: string[] = extraMatrixDir
  ? readdirSync(extraMatrixDir).filter((f) => f.endsWith('.mtx') && !bundled.has(f)).sort()
  : [];

const normalize = (name: string): string => (name.endsWith('.mtx') ? name : `${name}.mtx`);

/**
 * Path of the named test matrix ('bcsstk13.mtx' or 'bcsstk13'): the bundled .mtx.gz (the library
 * reads gzip transparently), or a file of the extra directory. Unknown names throw, so a typo is
 * not mistaken for a missing-file test; for those, use a path under fixtureDir.
 */
export function matrixPath(name: string): string {
  const n = normalize(name);
  if (bundled.has(n)) return path.join(fixtureDir, `${n}.gz`);
  if (extraMatrixDir && extraMatrices.includes(n)) return path.join(extraMatrixDir, n);
  throw new Error(`no test matrix named ${name} (see test/fixtures/matrices/README.md)`);
}

/** The uncompressed bytes of the named test matrix. */
export function matrixBytes(name: string): Uint8Array {
  const n = normalize(name);
  const raw = readFileSync(matrixPath(n));
  return bundled.has(n) ? new Uint8Array(gunzipSync(raw)) : new Uint8Array(raw);
}

/** The text of the named test matrix. */
export function matrixText(name: string): string {
  return new TextDecoder('utf-8').decode(matrixBytes(name));
}
