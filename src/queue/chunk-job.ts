// What a worker does with one chunk job: open the sequence by path, run the chunk (its own
// session and recycle space), write each solution to its output path, return the statistics.
import { writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { formatMatrixMarketArray } from '../io/matrix-market.js';
import { init } from '../runtime/runtime.js';
import { isFailedSystem, runChunk, type ChunkEntry } from '../sequence/chunks.js';
import { writeAtomically, writeFailure } from '../cli/output.js';
import { openFileSequence } from './files.js';
import { JOB_FORMAT, type ChunkJobData, type ChunkJobEntry, type ChunkJobResult, type ChunkProgress } from './jobs.js';

/**
 * Solves the chunk of `data`. A system that cannot be read or solved fails its own entry; only a
 * job that cannot start (another job format, an unreadable fixed matrix) throws, and then every
 * system of the chunk fails with that error (the client reports it per system). The solutions are
 * written atomically under names fixed by the client, so a retried job rewrites the same files.
 */
export async function processChunkJob(data: ChunkJobData, progress: (p: ChunkProgress) => void): Promise<ChunkJobResult> {
  const t0 = performance.now();
  if (data?.format !== JOB_FORMAT) throw new Error(`job format ${String(data?.format)}, this worker reads format ${JOB_FORMAT} (a sparse-wasm of another version submitted it)`);
  await init();
  const seq = await openFileSequence(data.sequence);
  const writes: Promise<void>[] = [];
  const entries: ChunkJobEntry[] = [];
  const outOf = new Map<number, string>();
  data.indices.forEach((index, k) => { const o = data.outputs?.[k]; if (o) outOf.set(index, o); });
  try {
    const onSystem = (e: ChunkEntry) => {
      const { x, ...rest } = e as ChunkEntry & { x?: Float64Array };
      const entry: ChunkJobEntry = rest;
      entries.push(entry);
      const target = outOf.get(e.index);
      if (target !== undefined && !isFailedSystem(e) && x) {
        if (!x.every(Number.isFinite)) entry.outputError = `cannot write ${target}: the solution has non-finite entries (${e.reason})`;
        else {
          const text = formatMatrixMarketArray(x.length, 1, x, { comment: ` solution of system ${e.index} by sparse-wasm queue-worker` });
          writes.push(writeAtomically(target, (tmp) => writeFile(tmp, text)).then(
            () => { entry.output = target; },
            (err) => { entry.outputError = writeFailure(target, err).message; },
          ));
        }
      }
      progress({ done: entries.length, total: data.indices.length });
    };
    const res = await runChunk(seq.matrix ? { count: seq.count, load: seq.load } : seq, data.indices, {
      ...data.options,
      ...(seq.matrix ? { matrix: seq.matrix } : {}),
      start: data.start,
      keepSolutions: false,
      onSystem,
    });
    await Promise.all(writes);
    return { format: JOB_FORMAT, entries, totals: res.totals, worker: `${hostname()}:${process.pid}`, ms: performance.now() - t0 };
  } finally {
    seq.dispose();
  }
}
