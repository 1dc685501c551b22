// Where the shared real matrices live: ../shared/matrices next to the checkout (as on the
// development machines and in CI), overridable with SPARSE_WASM_SHARED_MATRICES for a clone
// elsewhere.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function find(): string {
  const candidates = [
    process.env.SPARSE_WASM_SHARED_MATRICES,
    path.resolve(root, '../shared/matrices'),
    '/work/shared/matrices',
  ].filter((p): p is string => !!p);
  for (const c of candidates) if (existsSync(path.join(c, 'INDEX.md'))) return c;
  throw new Error(
    `the shared test matrices were not found (tried ${candidates.join(', ')}); set SPARSE_WASM_SHARED_MATRICES`,
  );
}

export const sharedMatrices = find();
