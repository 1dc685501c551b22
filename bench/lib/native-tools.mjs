// Compiles and runs the native references (gcc -O3 -march=native) in a temporary directory.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, existsSync, statSync, openSync, readSync, closeSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
// The C anchors are not part of the project: they live in the shared directory beside the checkout
// (../shared/anchors) or wherever SPARSE_BENCH_ANCHORS points; missing ones are reported and skipped.
const anchors = process.env.SPARSE_BENCH_ANCHORS ?? path.resolve(here, '..', '..', '..', 'shared', 'anchors');
export const SOURCES = {
  spmv_c: path.join(anchors, 'spmv_c.c'),
  stream: path.join(anchors, 'native', 'stream.c'),
  blas1_c: path.join(here, '..', 'native', 'blas1_c.c'),
};
export const CFLAGS = ['-O3', '-march=native'];

export function gccVersion() {
  try {
    return execFileSync('gcc', ['--version']).toString().split('\n')[0];
  } catch {
    return null;
  }
}

/** Compiles every available source; returns { dir, bins: { name: path }, missing: [names] }. */
export function compileAll() {
  const dir = mkdtempSync(path.join(tmpdir(), 'sparse-wasm-native-'));
  const bins = {};
  const missing = [];
  for (const [name, src] of Object.entries(SOURCES)) {
    if (!existsSync(src)) { missing.push(`${name} (${src} not found)`); continue; }
    const out = path.join(dir, name);
    execFileSync('gcc', [...CFLAGS, '-o', out, src], { stdio: ['ignore', 'inherit', 'inherit'] });
    bins[name] = out;
  }
  return { dir, bins, missing, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function runJson(bin, args, timeoutMs = 120000) {
  const out = execFileSync(bin, args, { timeout: timeoutMs, maxBuffer: 1 << 20 }).toString().trim();
  return JSON.parse(out.split('\n').pop());
}

/** true when `file` looks like a complete Matrix Market file with `nnzWanted` entries */
export function mtxLooksComplete(file, rows, nnzWanted) {
  // every entry line holds at least "i j v\n" with i, j of the matrix size: a short file is truncated
  if (!existsSync(file) || statSync(file).size < 6 * nnzWanted) return false;
  const buf = Buffer.alloc(4096);
  const fd = openSync(file, 'r');
  const got = readSync(fd, buf, 0, buf.length, 0);
  closeSync(fd);
  const head = buf.subarray(0, got).toString('utf8').split('\n');
  const size = head.find((l) => l.trim() !== '' && !l.startsWith('%'));
  if (!size) return false;
  const [m, , nz] = size.trim().split(/\s+/).map(Number);
  return m === rows && nz === nnzWanted;
}
