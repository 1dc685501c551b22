// scripts/build.mjs skips a step whose outputs are newer than its inputs (so `npm start` and
// `npm test` do not recompile the wasm every time) and drops asc's "Last converge was suboptimal."
// note. The decisions are checked here on files with set modification times, without a build.
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script without type declarations
import { newestMtime, upToDate, withoutAscNoise, writeStamp } from '../scripts/build-steps.mjs';

const dir = mkdtempSync(path.join(tmpdir(), 'sparse-wasm-build-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const T0 = new Date('2026-01-01T00:00:00Z');
const at = (s: number) => new Date(T0.getTime() + s * 1000);
function file(rel: string, time: Date): string {
  const p = path.join(dir, rel);
  mkdirSync(path.dirname(p), { recursive: true });
  writeFileSync(p, rel);
  utimesSync(p, time, time);
  return p;
}
function touchDir(rel: string, time: Date): string {
  const p = path.join(dir, rel);
  utimesSync(p, time, time);
  return p;
}

describe('build steps: up to date or not', () => {
  const src = path.join(dir, 'src');
  const out = path.join(dir, 'out', 'a.wasm');
  const stamp = path.join(dir, 'out', '.stamp');
  const spec = { inputs: [src, path.join(dir, 'config.json')], outputs: [out], stamp };

  it('a first build runs; after it, nothing changed means up to date', () => {
    file('src/a.ts', at(0));
    file('src/lib/b.ts', at(1));
    touchDir('src/lib', at(1));
    touchDir('src', at(1));
    file('config.json', at(0));
    expect(upToDate(spec)).toBe(false); // no output, no stamp
    file('out/a.wasm', at(10));
    expect(upToDate(spec)).toBe(false); // an output without a stamp (an interrupted build) is not trusted
    writeStamp(stamp, at(5));
    expect(upToDate(spec)).toBe(true);
    expect(newestMtime([src])).toBe(at(1).getTime());
  });

  it('an edited input, deep in a directory or a single file, makes it stale', () => {
    file('src/lib/b.ts', at(6));
    expect(upToDate(spec)).toBe(false);
    file('src/lib/b.ts', at(1));
    expect(upToDate(spec)).toBe(true);
    file('config.json', at(7));
    expect(upToDate(spec)).toBe(false);
    file('config.json', at(0));
    expect(upToDate(spec)).toBe(true);
  });

  it('an added or a deleted file changes its directory, which makes it stale', () => {
    touchDir('src/lib', at(8)); // what adding or removing src/lib/c.ts does
    expect(upToDate(spec)).toBe(false);
    touchDir('src/lib', at(1));
    expect(upToDate(spec)).toBe(true);
  });

  it('a missing output makes it stale; the stamp keeps the start time of the step', () => {
    rmSync(out);
    expect(upToDate(spec)).toBe(false);
    file('out/a.wasm', at(10));
    // an input edited while the step ran (after it started at 5) is newer than the stamp
    file('src/a.ts', at(6));
    expect(upToDate(spec)).toBe(false);
    writeStamp(stamp, at(6));
    expect(upToDate(spec)).toBe(true);
  });
});

describe("asc's converge note", () => {
  it('drops exactly the "Last converge was suboptimal." line and keeps everything else', () => {
    expect(withoutAscNoise('Last converge was suboptimal.\n')).toBe('');
    expect(withoutAscNoise('Last converge was suboptimal.\r\n')).toBe('');
    const real = 'WARNING AS201: Conversion from type i64 to i32 will require an explicit cast.\n   in assembly/x.ts(3,5)\n';
    expect(withoutAscNoise(`${real}Last converge was suboptimal.\n`)).toBe(real);
    expect(withoutAscNoise('ERROR: Last converge was suboptimal. (not the note)\n')).toBe('ERROR: Last converge was suboptimal. (not the note)\n');
  });
});
