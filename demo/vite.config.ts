// The workbench page (demo/): `npm run demo` (dev server), `npm run demo:build` (static files in
// demo/dist, relative URLs: any static server, any sub-path). It uses the package as an app would,
// `import ... from 'sparse-wasm'`, resolved to this repository's build (dist/, build/*.wasm: run
// `npm run build` first; the npm scripts do).
//
// Cross-origin isolation (COOP/COEP) in dev and preview, so that SharedArrayBuffer exists and a
// solve is cancelled by a shared flag; hosted without these headers the page still works and
// cancels by terminating the worker (see src/solver.ts).
import { defineConfig } from 'vite';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..');
const isolation = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

export default defineConfig({
  root: here,
  base: './',
  resolve: { alias: [{ find: /^sparse-wasm$/, replacement: path.join(repo, 'dist', 'main.js') }] },
  server: { headers: isolation, fs: { allow: [repo] } },
  preview: { headers: isolation },
  worker: { format: 'es' },
  build: { outDir: path.join(here, 'dist'), emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 1024 },
});
