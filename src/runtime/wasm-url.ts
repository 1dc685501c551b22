// The default wasm of the package's main entry, as URLs next to the package.
// Two literal `new URL('...', import.meta.url)` expressions, not one built from a variable: bundlers
// recognise only the literal form. Vite emits both files in a build and, in the dev server, rewrites
// the literal path when it pre-bundles the package into node_modules/.vite/deps (a template string
// is instead turned into a glob relative to the pre-bundled file, which finds nothing).
// Only the main entry imports this file, so an app that uses `sparse-wasm/inline` emits no .wasm.
import type { WasmBuild } from './runtime.js';

export function wasmUrl(build: WasmBuild | 'threads'): URL {
  // this file is src/runtime/*.ts or dist/runtime/*.js: the build folder is two levels up
  if (build === 'threads') return new URL('../../build/sparse-threads.wasm', import.meta.url);
  return build === 'simd'
    ? new URL('../../build/sparse.wasm', import.meta.url)
    : new URL('../../build/sparse-scalar.wasm', import.meta.url);
}
