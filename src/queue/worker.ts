// A queue worker: takes chunk jobs from the BullMQ queue and solves them, each in a worker thread.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker, type Job } from 'bullmq';
import { processChunkJob } from './chunk-job.js';
import { DEFAULT_QUEUE_NAME, type ChunkJobData, type ChunkJobResult } from './jobs.js';
import { connect, disconnect, safeUrl } from './redis.js';

export interface QueueWorkerOptions {
  url: string;
  queueName?: string;
  /** jobs solved at once (each in its own thread; default 1) */
  concurrency?: number;
  /**
   * how long a job's lock lasts without renewal (ms, default 30,000): a worker that died is noticed
   * after about this long, and its job goes back to the queue for another worker
   */
  lockMs?: number;
  /** how often the worker looks for stalled jobs, those whose lock expired (ms, default 30,000) */
  stalledMs?: number;
  /** times a job may stall (its worker died) and still be retried (default 2) */
  maxStalled?: number;
  /** solve in this thread instead of worker threads (the main thread then blocks during a solve) */
  inProcess?: boolean;
  /** one line per event (job done, connection lost/back) */
  log?: (line: string) => void;
}

export interface QueueWorker {
  /** stops taking jobs, waits for the running ones, disconnects */
  close(): Promise<void>;
  /** stops now: running jobs are abandoned (they stall and go to another worker) */
  kill(): Promise<void>;
}

/** The processor module next to this one (dist/queue/processor.js in the built package). */
function processorFile(): string | undefined {
  const f = fileURLToPath(new URL('./processor.js', import.meta.url));
  return existsSync(f) ? f : undefined;
}

export async function startQueueWorker(options: QueueWorkerOptions): Promise<QueueWorker> {
  const { url, queueName = DEFAULT_QUEUE_NAME, concurrency = 1, lockMs = 30_000, stalledMs = 30_000, maxStalled = 2, log = () => {} } = options;
  let down = false;
  const connection = connect(url, 'worker', (e) => {
    if (!down) log(`Redis at ${safeUrl(url)} unreachable (${e.message}); reconnecting`);
    down = true;
  });
  connection.on('ready', () => {
    if (down) log(`Redis at ${safeUrl(url)} reachable again`);
    down = false;
  });
  const file = options.inProcess ? undefined : processorFile();
  const inline = async (job: Job<ChunkJobData, ChunkJobResult>) => processChunkJob(job.data, (p) => { job.updateProgress(p).catch(() => {}); });
  const worker = new Worker<ChunkJobData, ChunkJobResult>(queueName, file ?? inline, {
    connection,
    concurrency,
    lockDuration: lockMs,
    stalledInterval: stalledMs,
    maxStalledCount: maxStalled,
    ...(file ? { useWorkerThreads: true } : {}),
  });
  worker.on('error', (e) => {
    if (!down) log(`worker error: ${e.message}`);
  });
  worker.on('completed', (job, r) => {
    const t = r.totals;
    log(`chunk ${job.data.chunk} of run ${job.data.run}: ${t.systems} solved, ${t.failed} failed, ${t.iterations} iterations, ${(r.ms / 1000).toFixed(1)} s`);
  });
  worker.on('failed', (job, e) => {
    log(`chunk ${job?.data.chunk ?? '?'} of run ${job?.data.run ?? '?'} failed: ${e.message}`);
  });
  await worker.waitUntilReady();
  log(`taking jobs of queue '${queueName}' at ${safeUrl(url)} (concurrency ${concurrency}, ${file ? 'worker threads' : 'in process'}, pid ${process.pid})`);
  let closed = false;
  const finish = async (force: boolean) => {
    if (closed) return;
    closed = true;
    await worker.close(force).catch(() => {});
    await disconnect(connection);
  };
  return { close: () => finish(false), kill: () => finish(true) };
}
