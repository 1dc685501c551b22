// Builds the wasm (release SIMD, scalar fallback, debug) and the TypeScript facade, then writes
// dist/inline-wasm.js: the release and scalar wasm as base64, for bundlers that cannot serve files.
//
// Each step runs only when one of its inputs changed since its last successful run (make-style, by
// modification time; a directory's own time counts, so added and deleted files count too): a wasm
// target when assembly/**, asconfig.json or the compiler changed; the TypeScript step when src/**,
// tsconfig.json, the wasm files it inlines, TypeScript or this script changed. `--force` rebuilds
// everything; naming steps (`node scripts/build.mjs wasm`, `... ts`) limits the run to them.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdirSync, statSync, readdirSync, existsSync, closeSync, openSync, utimesSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => path.join(root, 'node_modules', '.bin', name);
const args = process.argv.slice(2);
const force = args.includes('--force');
const only = args.filter((a) => a !== '--force');
const want = (step) => only.length === 0 || only.includes(step);

// asc's `converge` option (asconfig.json) re-runs the optimizer until the binary stops shrinking.
// When the last round comes out larger than the round before, asc stops there and prints "Last
// converge was suboptimal." to stderr: a note, not a warning (the module is valid and correct; it
// is the last round's output, a few bytes larger than the best one). asc has no option to silence
// it, so this one line is dropped from its output; everything else is passed through.
const NOISE = /^Last converge was suboptimal\.\r?$/;
function run(cmd, cmdArgs) {
  const r = spawnSync(cmd, cmdArgs, { cwd: root, stdio: ['inherit', 'inherit', 'pipe'], encoding: 'utf8' });
  const err = (r.stderr ?? '').split('\n').filter((l) => !NOISE.test(l)).join('\n');
  if (err.trim() !== '') process.stderr.write(err.endsWith('\n') ? err : `${err}\n`);
  if (r.error) throw r.error;
  if (r.status !== 0) {
    console.error(`build: ${path.basename(cmd)} ${cmdArgs.join(' ')} failed (exit ${r.status ?? r.signal})`);
    process.exit(1);
  }
}

const rel = (...p) => path.join(root, ...p);
const skipped = [];
process.on('exit', (code) => {
  if (code === 0 && skipped.length > 0) console.error(`build: up to date: ${skipped.join(', ')} (--force rebuilds)`);
});
/** Newest modification time (ms) of the given files and directories (walked, their own time included). */
function newest(paths) {
  let t = 0;
  for (const p of paths) {
    if (!existsSync(p)) continue;
    const st = statSync(p);
    t = Math.max(t, st.mtimeMs);
    if (st.isDirectory()) t = Math.max(t, newest(readdirSync(p).map((f) => path.join(p, f))));
  }
  return t;
}
/**
 * Runs `build` unless every output exists and the step's stamp is at least as new as every input.
 * The stamp gets the time the step STARTED, so an input edited while it ran triggers the next build.
 */
function step(label, { inputs, outputs, stamp }, build) {
  const done = existsSync(stamp) && outputs.every((o) => existsSync(o));
  if (!force && done && newest(inputs) <= statSync(stamp).mtimeMs) {
    skipped.push(label);
    return;
  }
  console.error(`build: ${label}`);
  const started = new Date();
  build();
  mkdirSync(path.dirname(stamp), { recursive: true });
  closeSync(openSync(stamp, 'w'));
  utimesSync(stamp, started, started);
}

const wasmInputs = [rel('assembly'), rel('asconfig.json'), rel('node_modules', 'assemblyscript', 'package.json')];
const wasmOutputs = {
  release: [rel('build', 'sparse.wasm')],
  scalar: [rel('build', 'sparse-scalar.wasm')],
  debug: [rel('build', 'sparse-debug.wasm'), rel('build', 'sparse-debug.wat'), rel('build', 'sparse-debug.wasm.map')],
};
if (want('wasm')) {
  for (const target of ['release', 'scalar', 'debug']) {
    step(`wasm ${target}`, { inputs: wasmInputs, outputs: wasmOutputs[target], stamp: rel('build', `.stamp-${target}`) }, () =>
      run(bin('asc'), ['--config', 'asconfig.json', '--target', target]),
    );
  }
}
const tsInputs = [
  rel('src'), rel('tsconfig.json'), ...wasmOutputs.release, ...wasmOutputs.scalar,
  rel('node_modules', 'typescript', 'package.json'), fileURLToPath(import.meta.url),
];
if (want('ts')) step('dist (TypeScript, inline wasm)', { inputs: tsInputs, outputs: [rel('dist', 'index.js'), rel('dist', 'node.js'), rel('dist', 'main.js'), rel('dist', 'inline-wasm.js')], stamp: rel('dist', '.stamp') }, () => {
  run(bin('tsc'), ['-p', 'tsconfig.json']);
  mkdirSync(path.join(root, 'dist'), { recursive: true });
  const b64 = (f) => readFileSync(path.join(root, 'build', f)).toString('base64');
  // dist/inline.js (from src/inline.ts) imports these bytes; only that entry references them
  writeFileSync(
    path.join(root, 'dist', 'inline-wasm.js'),
    '// Generated by scripts/build.mjs: the wasm builds inlined as base64 for bundlers.\n' +
      `const decode = (s) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));\n` +
      `export const simdWasm = /* @__PURE__ */ decode(${JSON.stringify(b64('sparse.wasm'))});\n` +
      `export const scalarWasm = /* @__PURE__ */ decode(${JSON.stringify(b64('sparse-scalar.wasm'))});\n`,
  );
  writeFileSync(path.join(root, 'dist', 'inline-wasm.d.ts'), readFileSync(path.join(root, 'src', 'inline-wasm.d.ts')));
});
