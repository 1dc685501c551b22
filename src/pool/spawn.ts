// Starting one pool worker: a Node worker thread running worker-node.js or a browser module Web
// Worker running worker.js, behind one small interface.
//
// Browsers: the literal `new Worker(new URL('./worker.js', import.meta.url), { type: 'module' })`
// below is the form bundlers (Vite, webpack 5, Rollup plugins) recognise and rewrite into an
// emitted worker chunk; built from a variable, they would not. In Node the URL is built from a
// variable on purpose, so that a bundler does not see a second reference to the file.
// Run from source (vitest on src/), there is no src/pool/worker.js: the built dist/pool/worker.js
// is used (`npm run build` makes it).

export interface PoolWorkerPort {
  post(message: unknown, transfer?: Transferable[]): void;
  /** messages from the worker */
  onMessage(handler: (message: unknown) => void): void;
  /**
   * The worker is gone or unusable: it exited (code), an uncaught error ended it (error), or a
   * message could not be deserialised. Called at most once.
   */
  onExit(handler: (reason: { code?: number; error?: unknown }) => void): void;
  /** Stops the worker now; resolves once it is gone (Node) or at once (browsers, which report no exit). */
  terminate(): Promise<void>;
  /** Node: the thread id (for diagnostics); undefined in browsers */
  readonly threadId?: number;
}

export interface SpawnOptions {
  /** Node only: worker_threads resourceLimits (e.g. maxOldGenerationSizeMb) */
  resourceLimits?: Record<string, number>;
}

const isNode = typeof process !== 'undefined' && !!(process as { versions?: { node?: string } }).versions?.node;
const moduleUrl = import.meta.url;

function nodeWorkerUrl(): URL {
  const fromSource = moduleUrl.endsWith('.ts');
  const file = fromSource ? '../../dist/pool/worker-node.js' : './worker-node.js';
  return new URL(file, moduleUrl);
}

async function spawnNode(options: SpawnOptions): Promise<PoolWorkerPort> {
  const wt = await import(/* @vite-ignore */ 'node:worker_threads');
  const w = new wt.Worker(nodeWorkerUrl(), options.resourceLimits ? { resourceLimits: options.resourceLimits } : {});
  let exitHandler: ((reason: { code?: number; error?: unknown }) => void) | undefined;
  let gone = false;
  let lastError: unknown;
  const exited = new Promise<void>((resolve) => w.once('exit', () => resolve()));
  const report = (reason: { code?: number; error?: unknown }) => {
    if (gone) return;
    gone = true;
    exitHandler?.(reason);
  };
  // 'error' (uncaught exception, out of memory) is followed by 'exit': report once, with the error
  w.on('error', (e) => { lastError = e; });
  w.on('exit', (code) => report({ code, error: lastError }));
  w.on('messageerror', (e) => { lastError = e; void w.terminate(); });
  return {
    threadId: w.threadId,
    post: (m, t) => w.postMessage(m, t as never),
    onMessage: (h) => void w.on('message', h),
    onExit: (h) => { exitHandler = h; },
    terminate: async () => {
      await w.terminate();
      await exited;
    },
  };
}

function spawnBrowser(): PoolWorkerPort {
  const w = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
  let exitHandler: ((reason: { code?: number; error?: unknown }) => void) | undefined;
  let gone = false;
  const report = (reason: { code?: number; error?: unknown }) => {
    if (gone) return;
    gone = true;
    exitHandler?.(reason);
  };
  w.addEventListener('error', (e) => {
    e.preventDefault();
    report({ error: new Error(e.message || 'the worker script failed to load or threw') });
  });
  w.addEventListener('messageerror', () => report({ error: new Error('a message from the worker could not be deserialised') }));
  return {
    post: (m, t) => w.postMessage(m, t ?? []),
    onMessage: (h) => w.addEventListener('message', (e) => h(e.data)),
    onExit: (h) => { exitHandler = h; },
    terminate: async () => {
      gone = true;
      w.terminate();
    },
  };
}

/** Starts one worker running worker.js. */
export function spawnPoolWorker(options: SpawnOptions = {}): Promise<PoolWorkerPort> {
  return isNode ? spawnNode(options) : Promise.resolve(spawnBrowser());
}
