import { SparseError, nameErrors } from '../errors.js';

/**
 * The job queue could not do its part: Redis unreachable or restarted beyond recovery, no worker
 * taking the jobs within the timeout, a job that failed outright. The message says which, and
 * what to check.
 */
export class QueueError extends SparseError {}

nameErrors({ QueueError });
