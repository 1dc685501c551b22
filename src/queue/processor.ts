// The sandboxed processor BullMQ runs in a worker thread of `queue-worker` (one thread per
// concurrent job): the solves never block the worker's main thread, which keeps renewing the
// job locks however long a system takes.
import { processChunkJob } from './chunk-job.js';
import type { ChunkJobData, ChunkJobResult } from './jobs.js';

interface SandboxJob {
  data: ChunkJobData;
  updateProgress(p: object): Promise<void>;
}

export default async function processor(job: SandboxJob): Promise<ChunkJobResult> {
  return processChunkJob(job.data, (p) => { job.updateProgress(p).catch(() => {}); });
}
