// The browser worker of a SolverPool (a module Web Worker made by spawn.ts). Nothing here may
// need Node or top-level await: bundlers build worker entries on their own (Vite by default as
// an IIFE script).
import { serve } from './worker-core.js';

const scope = globalThis as unknown as {
  postMessage(m: unknown, t?: Transferable[]): void;
  addEventListener(type: 'message', h: (e: MessageEvent) => void): void;
  close(): void;
};
void serve({
  post: (m, t) => scope.postMessage(m, t ?? []),
  listen: (h) => scope.addEventListener('message', (e) => h(e.data)),
  exit: () => scope.close(),
});
