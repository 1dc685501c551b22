// The bundled test matrices are what test/fixtures/matrices/README.md and index.json say they are.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundledMatrices, extraMatrixDir, fixtureDir, fixtureIndex, matrixBytes, matrixPath } from './matrices.js';

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

describe('test/fixtures/matrices', () => {
  it('holds exactly the 38 files of index.json, each listed in the README with its source', () => {
    const files = readdirSync(fixtureDir).filter((f) => f.endsWith('.mtx.gz')).sort();
    expect(files).toEqual(bundledMatrices.map((n) => `${n}.gz`));
    expect(files.length).toBe(38);
    const readme = readFileSync(path.join(fixtureDir, 'README.md'), 'utf8');
    for (const e of fixtureIndex) {
      expect(readme).toContain(`| ${e.name}.gz | ${e.repository} @ ${e.commit} : \`${e.path}\` |`);
    }
  });

  it.each(fixtureIndex.map((e) => [e.name, e] as const))('%s: uncompressed size and SHA-256 as recorded', (name, e) => {
    const bytes = matrixBytes(name);
    expect(bytes.length).toBe(e.bytes);
    expect(sha256(bytes)).toBe(e.sha256);
  });

  it('names resolve with or without .mtx; unknown names throw', () => {
    expect(matrixPath('bcsstk01')).toBe(matrixPath('bcsstk01.mtx'));
    expect(() => matrixPath('no-such-matrix.mtx')).toThrow(/no test matrix named/);
  });

  // Where the shared matrix directory is present, the bundled copies must equal it byte for byte.
  const shared = extraMatrixDir;
  it.runIf(shared !== undefined)('equal the copies in the extra matrix directory, where it has them', () => {
    let compared = 0;
    for (const name of bundledMatrices) {
      const p = path.join(shared!, name);
      if (!existsSync(p)) continue;
      expect(sha256(matrixBytes(name)), name).toBe(sha256(readFileSync(p)));
      compared++;
    }
    expect(compared).toBeGreaterThan(0);
  });
});
