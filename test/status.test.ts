// assembly/status.ts and src/runtime/status.ts define the status codes and status-block offsets
// under the same names; a value changed on one side only fails here.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as status from '../src/runtime/status.js';
import { Scratch } from '../src/runtime/runtime.js';
import * as errors from '../src/errors.js';
import * as pkg from '../src/index.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function assemblyConstants(): Record<string, number> {
  const src = readFileSync(path.join(root, 'assembly', 'status.ts'), 'utf8');
  const out: Record<string, number> = {};
  for (const m of src.matchAll(/^@inline export const (\w+): \w+ = (-?\d+);$/gm)) out[m[1]] = Number(m[2]);
  // every export line must have matched the pattern above
  expect(Object.keys(out).length).toBe((src.match(/^.*\bexport\b/gm) ?? []).length);
  return out;
}

describe('status twins', () => {
  it('assembly/status.ts and src/runtime/status.ts define the same constants', () => {
    const asm = assemblyConstants();
    const ts = Object.fromEntries(Object.entries(status).filter(([, v]) => typeof v === 'number'));
    expect(Object.keys(asm).length).toBeGreaterThan(10);
    expect(ts).toEqual(asm);
  });

  it('block fields fit in their blocks and do not overlap', () => {
    const fields = (prefix: string, sizes: Record<string, number>, bytes: number) => {
      const spans = Object.entries(sizes).map(([k, size]) => [(status as Record<string, unknown>)[prefix + k] as number, size]);
      spans.sort((a, b) => a[0] - b[0]);
      for (let i = 0; i < spans.length; i++) {
        expect(spans[i][0] % spans[i][1]).toBe(0); // aligned
        expect(spans[i][0] + spans[i][1]).toBeLessThanOrEqual(i + 1 < spans.length ? spans[i + 1][0] : bytes);
      }
    };
    fields('FACTOR_OUT_', { STATUS: 4, ROW: 4, VALUE: 8, FIRST_SHIFTED: 4, SHIFTED: 4, GROWTH_L: 8, GROWTH_U: 8 }, status.FACTOR_OUT_BYTES);
    fields('SSOR_OUT_', { ZERO: 4, NEGATIVE: 4, FIRST_ZERO: 4 }, status.SSOR_OUT_BYTES);
  });
});

describe('runtime layout', () => {
  it('every scratch role has its own slot (bandwidth() no longer borrows the SpGEMM marker)', () => {
    const slots = Object.values(Scratch);
    expect(new Set(slots).size).toBe(slots.length);
    expect(Scratch.bandwidth).not.toBe(Scratch.spgemmMarker);
  });

  it('IndexOverflowError is a SparseError from errors.ts, exported by the package', () => {
    expect(pkg.IndexOverflowError).toBe(errors.IndexOverflowError);
    expect(new errors.IndexOverflowError('x')).toBeInstanceOf(errors.SparseError);
  });
});
