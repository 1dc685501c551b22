// `sparse-wasm queue-worker --redis URL`: takes the chunk jobs of `sequence --queue` from a BullMQ
// queue on Redis and solves them, until SIGINT or SIGTERM.
import { numberOption, parseCommandLine, stringOption, UsageError } from './args.js';
import type { Command } from './command.js';
import { DEFAULT_QUEUE_NAME } from '../queue/jobs.js';
import { checkRedisUrl } from '../queue/redis.js';
import { startQueueWorker } from '../queue/worker.js';

const USAGE = `usage: sparse-wasm queue-worker --redis URL [--concurrency N] [--queue-name NAME]
                               [--lock-ms MS] [--stalled-ms MS]

Takes the jobs of \`sparse-wasm sequence FILES... --queue URL\` (one job per chunk of consecutive
systems of the sorted sequence) and solves them, each chunk with its own solver session and
recycle space, until interrupted (SIGINT/SIGTERM: the running jobs are finished first; a second
signal stops at once). Matrices and right-hand sides are read, and solutions written, by the
paths in the job: run workers where those paths lead to the same files (one machine, or a
shared directory). One line per job and per connection change goes to stderr.

  --redis URL         the Redis server, e.g. redis://127.0.0.1:6379
  --concurrency N     jobs solved at once, each in its own worker thread (default 1; one per core)
  --queue-name NAME   the queue (default ${DEFAULT_QUEUE_NAME}; the same as the client's)
  --lock-ms MS        a job's lock lasts this long without renewal (default 30000): a worker that
                      died is noticed after about this long and its job goes to another worker
  --stalled-ms MS     how often to look for the jobs of dead workers (default 30000)
  -h, --help          this help`;

const OPTIONS = {
  redis: { type: 'string' }, concurrency: { type: 'string' }, 'queue-name': { type: 'string' },
  'lock-ms': { type: 'string' }, 'stalled-ms': { type: 'string' },
} as const;

async function run(args: string[]): Promise<number> {
  const p = parseCommandLine(args, OPTIONS);
  if (p.positional.length > 0) throw new UsageError(`queue-worker takes no file arguments, got "${p.positional[0]}"`);
  const url = stringOption(p, 'redis');
  if (url === undefined) throw new UsageError('queue-worker needs --redis URL');
  checkRedisUrl(url, '--redis');
  const concurrency = numberOption(p, 'concurrency', 1, { min: 1, integer: true });
  const queueName = stringOption(p, 'queue-name') ?? DEFAULT_QUEUE_NAME;
  const lockMs = numberOption(p, 'lock-ms', 30_000, { min: 100, integer: true });
  const stalledMs = numberOption(p, 'stalled-ms', 30_000, { min: 100, integer: true });
  const log = (line: string) => process.stderr.write(`queue-worker: ${line}\n`);
  const worker = await startQueueWorker({ url, queueName, concurrency, lockMs, stalledMs, log });
  await new Promise<void>((resolve) => {
    let signals = 0;
    const stop = (sig: string) => {
      signals++;
      if (signals === 1) {
        log(`${sig}: finishing the running jobs, then stopping`);
        worker.close().then(resolve, resolve);
      } else {
        log(`${sig} again: stopping now (running jobs go back to the queue)`);
        worker.kill().then(resolve, resolve);
      }
    };
    process.on('SIGINT', () => stop('SIGINT'));
    process.on('SIGTERM', () => stop('SIGTERM'));
  });
  log('stopped');
  return 0;
}

export const queueWorker: Command = { name: 'queue-worker', summary: 'solve the chunk jobs of `sequence --queue` (BullMQ on Redis)', usage: USAGE, run };
