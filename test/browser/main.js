// Page script for test/browser.test.ts: loads the package's browser build exactly as a web app
// would (ESM from /dist, wasm fetched by its default URL or inlined), runs the SpMV cases and
// publishes the outcome as window.__result.
import * as lib from '/dist/index.js';
import * as inline from '/dist/inline.js';
import { runCases } from './cases.js';

async function loadText(name) {
  const response = await fetch(new URL(`./fixtures/${name}`, import.meta.url));
  if (!response.ok) throw new Error(`fetching ${name}: HTTP ${response.status}`);
  return response.text();
}

try {
  if (typeof lib.parseMatrixMarket !== 'function') {
    throw new Error('dist/index.js does not export parseMatrixMarket');
  }
  const result = await runCases(lib, inline, loadText);
  window.__result = { ok: true, userAgent: navigator.userAgent, ...result };
  console.log(`sparse-wasm browser test: ${result.cases.length} products done`);
} catch (e) {
  window.__result = { ok: false, error: String((e && e.stack) || e) };
}
