// The Node worker of a SolverPool (a worker thread made by spawn.ts).
import { parentPort } from 'node:worker_threads';
import { serve } from './worker-core.js';

const parent = parentPort;
if (!parent) throw new Error('sparse-wasm: pool/worker-node.js runs as a worker thread of a SolverPool, not on its own');
void serve({
  post: (m, t) => parent.postMessage(m, t as never),
  listen: (h) => void parent.on('message', h),
  exit: (code) => process.exit(code),
});
