// A tiny read-only static file server for the browser test: GET/HEAD of regular files under `root`
// with a known extension, on 127.0.0.1 and a random free port. No directory listings, no dotfiles.
import { createServer, type Server } from 'node:http';
import { readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.mtx': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.gz': 'application/gzip',
};

export interface RequestRecord {
  method: string;
  path: string;
  status: number;
}

export interface StaticServer {
  /** base URL, e.g. http://127.0.0.1:41234 */
  origin: string;
  /** every request served so far, in order */
  requests: RequestRecord[];
  close(): Promise<void>;
}

export interface StaticServerOptions {
  /**
   * Send COOP/COEP headers (Cross-Origin-Opener-Policy: same-origin, Cross-Origin-Embedder-Policy:
   * require-corp), which make the pages crossOriginIsolated: SharedArrayBuffer is available there.
   */
  crossOriginIsolated?: boolean;
}

export async function startStaticServer(rootDir: string, options: StaticServerOptions = {}): Promise<StaticServer> {
  const isolation: Record<string, string> = options.crossOriginIsolated
    ? { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' }
    : {};
  const root = await realpath(rootDir);
  const requests: RequestRecord[] = [];

  async function resolveFile(urlPath: string): Promise<string | undefined> {
    let decoded: string;
    try {
      decoded = decodeURIComponent(urlPath);
    } catch {
      return undefined;
    }
    if (decoded.includes('\0')) return undefined;
    const segments = decoded.split('/').filter((s) => s !== '');
    if (segments.some((s) => s.startsWith('.'))) return undefined; // no '..', no dotfiles/.git
    const file = path.resolve(root, ...segments);
    if (!(CONTENT_TYPES[path.extname(file)] !== undefined)) return undefined;
    try {
      const real = await realpath(file); // symlinks must stay inside root too
      if (!real.startsWith(root + path.sep)) return undefined;
      return (await stat(real)).isFile() ? real : undefined;
    } catch {
      return undefined;
    }
  }

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const record: RequestRecord = { method: req.method ?? '?', path: url.pathname, status: 0 };
    requests.push(record);
    const send = (status: number, headers: Record<string, string | number>, body?: Buffer | string) => {
      record.status = status;
      res.writeHead(status, { 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff', ...isolation, ...headers });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      send(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain' }, 'method not allowed\n');
      return;
    }
    resolveFile(url.pathname)
      .then(async (file) => {
        if (!file) return send(404, { 'Content-Type': 'text/plain' }, 'not found\n');
        const body = await readFile(file);
        send(200, { 'Content-Type': CONTENT_TYPES[path.extname(file)], 'Content-Length': body.length }, body);
      })
      .catch((e) => send(500, { 'Content-Type': 'text/plain' }, `${e}\n`));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('static server: no TCP address');
  return {
    origin: `http://127.0.0.1:${address.port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
