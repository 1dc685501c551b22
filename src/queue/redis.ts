// Redis connections for the queue (ioredis, handed to BullMQ as constructed clients).
import { Redis, type RedisOptions } from 'ioredis';
import { UsageError } from '../cli/args.js';

/** Checks a redis:// or rediss:// URL; UsageError naming the option otherwise. */
export function checkRedisUrl(url: string, option: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new UsageError(`${option} must be a Redis URL such as redis://127.0.0.1:6379, got "${url}"`);
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') throw new UsageError(`${option} must be a redis:// or rediss:// URL, got "${url}"`);
  return url;
}

/** The URL without its password, for messages. */
export function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url;
  }
}

/**
 * A connection that reconnects forever (every 0.2 to 2 s): BullMQ workers need
 * maxRetriesPerRequest null; the client uses a bounded one so that a command fails instead of
 * waiting for Redis indefinitely (it has its own timeout for the run). `onError` receives the
 * connection errors (ioredis would otherwise print them as unhandled).
 */
export function connect(url: string, role: 'worker' | 'client', onError: (e: Error) => void): Redis {
  const options: RedisOptions = {
    maxRetriesPerRequest: role === 'worker' ? null : 1,
    connectTimeout: 5000,
    retryStrategy: (times) => Math.min(200 * times, 2000),
    connectionName: `sparse-wasm-${role}`,
  };
  const r = new Redis(url, options);
  r.on('error', onError);
  return r;
}

/** Closes a connection: QUIT when Redis answers within a second, else a plain disconnect. */
export async function disconnect(r: Redis): Promise<void> {
  if (r.status === 'end') return;
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([
    r.quit().catch(() => {}),
    new Promise<void>((resolve) => { timer = setTimeout(resolve, 1000); }),
  ]);
  clearTimeout(timer);
  r.disconnect();
}
