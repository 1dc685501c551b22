// The code every worker of a thread team runs (runtime/threads.ts), as a self-contained script:
// started from a string (Node `eval` workers, a Blob URL in browsers) so that it needs no file
// next to the package and no bundler support, and it is the same under vitest, in dist/ and in a
// page. A plain string rather than `fn.toString()`: transpilers may inject helpers into a function
// body (esbuild's keepNames `__name(...)`), which would be undefined inside the worker.
//
// Protocol (the control block layout is THREAD_CONTROL in threads.ts; keep the two in step):
//   message { type: 'init', module, memory, tid }  -> instantiate, reply { type: 'ready' }
//   message { type: 'start', ctrl, gen }           -> loop until OP_EXIT:
//     wait until GEN changes; run the op on the rows/elements bounds[tid] .. bounds[tid + 1];
//     reductions write partials[tid]; a trap is recorded (first thread wins) instead of thrown;
//     then DONE += 1 and notify. The caller (thread 0) reads partials after every thread is done.

export const THREAD_WORKER_SOURCE = String.raw`
'use strict';
const isNode = typeof self === 'undefined';
const port = isNode ? require('node:worker_threads').parentPort : self;
const post = (m) => port.postMessage(m);
const on = (fn) => (isNode ? port.on('message', fn) : (self.onmessage = (e) => fn(e.data)));
// i32 slots of the control block
const GEN = 0, DONE = 1, OP = 2, ERROR = 3, SPIN = 4, ARGS = 8;
const BOUNDS = 64;
// f64 slots
const F_ARGS = 16, PARTIALS = 96;
// bytes
const MESSAGE = 1280, MESSAGE_BYTES = 1024, CTRL_BYTES = 2560;
const OP_EXIT = 99;
let k, memory, tid;
on(async (msg) => {
  if (msg.type === 'init') {
    memory = msg.memory;
    tid = msg.tid;
    try {
      const inst = await WebAssembly.instantiate(msg.module, { env: { memory, abort() { throw new Error('kernel abort'); } } });
      k = inst.exports;
      post({ type: 'ready' });
    } catch (e) {
      post({ type: 'failed', message: String(e && e.message || e) });
    }
  } else if (msg.type === 'start') {
    loop(msg.ctrl, msg.gen);
    post({ type: 'exited' });
  }
});
// gen: the generation when the caller sent 'start'; the caller may fork its first call before this
// worker gets here, so the baseline is that value, not the one read now
function loop(ctrl, gen) {
  const I = new Int32Array(memory.buffer, ctrl, CTRL_BYTES / 4);
  const U = new Uint32Array(memory.buffer, ctrl, CTRL_BYTES / 4);
  const F = new Float64Array(memory.buffer, ctrl, CTRL_BYTES / 8);
  for (;;) {
    let spins = I[SPIN];
    while (Atomics.load(I, GEN) === gen) {
      if (--spins < 0) Atomics.wait(I, GEN, gen);
    }
    gen = Atomics.load(I, GEN);
    const op = I[OP];
    if (op === OP_EXIT) return;
    const lo = I[BOUNDS + tid], hi = I[BOUNDS + tid + 1];
    F[PARTIALS + tid] = 0;
    if (hi > lo) {
      try {
        run(op, lo, hi, U, F);
      } catch (e) {
        if (Atomics.compareExchange(I, ERROR, 0, tid + 1) === 0) {
          const text = new TextEncoder().encode(String(e && e.message || e)).subarray(0, MESSAGE_BYTES - 1);
          const bytes = new Uint8Array(memory.buffer, ctrl + MESSAGE, MESSAGE_BYTES);
          bytes.fill(0);
          bytes.set(text);
        }
      }
    }
    Atomics.add(I, DONE, 1);
    Atomics.notify(I, DONE);
  }
}
function run(op, lo, hi, U, F) {
  const a = (i) => U[ARGS + i];
  const n = hi - lo, o = lo * 8;
  switch (op) {
    case 1: k.csrSpmv(n, a(0) + lo * 4, a(1), a(2), a(3), a(4) + o); break;
    case 2: k.csrSpmvScaled(n, a(0) + lo * 4, a(1), a(2), a(3), a(4) + o, F[F_ARGS], F[F_ARGS + 1]); break;
    case 3: k.sellSpmvRange(a(0), a(1), lo, hi, a(2), a(3), a(4), a(5), a(6), a(7), a(8), a(9), a(10)); break;
    case 4: F[PARTIALS + tid] = k.dot(n, a(0) + o, a(1) + o); break;
    case 5: k.axpy(n, F[F_ARGS], a(0) + o, a(1) + o); break;
    case 6: k.scal(n, F[F_ARGS], a(0) + o); break;
    case 7: k.copy(n, a(0) + o, a(1) + o); break;
    case 8: k.fill(n, F[F_ARGS], a(0) + o); break;
    case 9: F[PARTIALS + tid] = k.nrm2(n, a(0) + o); break;
    case 10: k.xpby(n, a(0) + o, F[F_ARGS], a(1) + o); break;
    case 11: k.axpby(n, F[F_ARGS], a(0) + o, F[F_ARGS + 1], a(1) + o); break;
    case 12: k.sub(n, a(0) + o, a(1) + o, a(2) + o); break;
    case 13: F[PARTIALS + tid] = k.cgStep(n, F[F_ARGS], a(0) + o, a(1) + o, a(2) + o, a(3) + o); break;
    case 14: k.jacobiApply(n, a(0) + o, a(1) + o, a(2) + o); break;
    default: throw new Error('unknown thread op ' + op);
  }
}
`;
