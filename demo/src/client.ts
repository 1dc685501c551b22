// A worker of the page with request/reply bookkeeping: each request gets an id; replies with that
// id either end it (loaded, solved, ..., error) or report on the way (progress). terminate() ends
// every pending request as cancelled; the next request starts a fresh worker.
import type { ErrorView, Reply, Request } from './protocol';

/** A request ended by terminating its worker (cancellation without SharedArrayBuffer). */
export class CancelledError extends Error {
  override name = 'CancelledError';
}

/** An error the library raised in the worker, with its class name and line. */
export class WorkerError extends Error {
  constructor(readonly view: ErrorView) {
    super(view.message);
    this.name = view.name;
  }
}

type Terminal = Extract<Reply, { type: 'loaded' | 'formatted' | 'sequence-done' }>;
type Event = Exclude<Reply, Terminal | { type: 'error' } | { type: 'ready' }>;

interface Pending {
  resolve(r: Terminal): void;
  reject(e: Error): void;
  onEvent?: (e: Event) => void;
}

let nextId = 1;

export class WorkerClient {
  private worker: Worker | null = null;
  private ready: Promise<boolean> | null = null;
  private readonly pending = new Map<number, Pending>();
  /** counts the workers started: a new one has none of the state sent to an earlier one */
  generation = 0;

  constructor(readonly name: string) {}

  /** Starts the worker if needed; resolves with whether its wasm build is the SIMD one. */
  start(): Promise<boolean> {
    if (this.ready) return this.ready;
    // the literal `new Worker(new URL(...), { type: 'module' })` is what Vite bundles in a build
    const worker = new Worker(new URL('./workbench-worker.ts', import.meta.url), { type: 'module', name: this.name });
    this.worker = worker;
    this.ready = new Promise<boolean>((resolve, reject) => {
      worker.onmessage = (ev: MessageEvent<Reply>) => {
        const m = ev.data;
        if (m.type === 'ready') return resolve(m.simd);
        const p = this.pending.get(m.id);
        if (!p) return;
        if (m.type === 'error') {
          this.pending.delete(m.id);
          p.reject(new WorkerError(m.error));
        } else if (m.type === 'sequence-progress' || m.type === 'sequence-run') {
          p.onEvent?.(m);
        } else {
          this.pending.delete(m.id);
          p.resolve(m);
        }
      };
      worker.onerror = (ev) => {
        ev.preventDefault();
        const e = new Error(`the ${this.name} worker failed: ${ev.message || 'script error'}`);
        reject(e);
        this.fail(e);
      };
    });
    this.ready.catch(() => {});
    this.generation++;
    return this.ready;
  }

  async request<T extends Terminal['type']>(
    msg: Request,
    transfer: Transferable[] = [],
    onEvent?: (e: Event) => void,
  ): Promise<Extract<Terminal, { type: T }>> {
    await this.start();
    return new Promise((resolve, reject) => {
      this.pending.set(msg.id, { resolve: resolve as (r: Terminal) => void, reject, onEvent });
      this.worker!.postMessage(msg, transfer);
    });
  }

  /** Ends the worker now; pending requests are rejected with CancelledError. */
  terminate(reason = 'cancelled'): void {
    this.fail(new CancelledError(reason));
  }

  private fail(e: Error): void {
    this.worker?.terminate();
    this.worker = null;
    this.ready = null;
    const all = [...this.pending.values()];
    this.pending.clear();
    for (const p of all) p.reject(e);
  }
}

export const newId = () => nextId++;
