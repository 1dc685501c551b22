// Writing `-o FILE`: checked before the work starts (a long solve should not end in "no such
// directory"), then written to a temporary file beside the target and renamed over it, so a
// failed write (disk full, killed process) never leaves a truncated file or clobbers the old one.
import { constants, createReadStream, createWriteStream, type Stats } from 'node:fs';
import { access, chmod, lstat, open, realpath, rename, stat, unlink } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { SparseError } from '../errors.js';
import { FileError } from './args.js';

const REASONS: Record<string, string> = {
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EISDIR: 'is a directory',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'read-only file system',
  ENOENT: 'no such directory',
  ENOTDIR: 'a part of the path is not a directory',
  ENAMETOOLONG: 'file name too long',
  EFBIG: 'file too large',
  EIO: 'input/output error',
};

/** The exit-1 error for a failed write: `cannot write FILE: reason`. */
export function writeFailure(file: string, e: unknown): FileError {
  if (e instanceof FileError) return e;
  const code = (e as { code?: string })?.code;
  const reason = (code && REASONS[code]) ?? (e instanceof SparseError ? e.message.split('\n')[0] : (e as Error)?.message ?? String(e));
  return new FileError(`cannot write ${file}: ${reason}`);
}

const errCode = (e: unknown) => (e as { code?: string })?.code;

/** Where the bytes go: a symlink is followed, so the link survives and its target is replaced. */
async function resolveTarget(file: string): Promise<string> {
  try {
    if ((await lstat(file)).isSymbolicLink()) return await realpath(file);
  } catch (e) {
    if (errCode(e) !== 'ENOENT') throw e;
  }
  return file;
}

/** The target's stat, undefined when it does not exist yet; a directory is refused (EISDIR). */
async function existingFile(target: string): Promise<Stats | undefined> {
  let st: Stats | undefined;
  try {
    st = await stat(target);
  } catch (e) {
    if (errCode(e) !== 'ENOENT') throw e;
  }
  if (st?.isDirectory()) throw Object.assign(new Error(), { code: 'EISDIR' });
  return st;
}

/**
 * Throws `cannot write FILE: reason` unless FILE can be written: its directory exists and is
 * writable, and FILE is not a directory (nor a file we may not write). Creates nothing.
 */
export async function checkWritable(file: string): Promise<void> {
  try {
    if (file === '' || file.endsWith('/') || file.endsWith(path.sep)) throw new FileError(`cannot write "${file}": a file name is needed`);
    const target = await resolveTarget(file);
    const st = await existingFile(target);
    if (st) await access(target, constants.W_OK);
    if (st && !st.isFile()) return; // a device or pipe (/dev/stdout) is written in place
    const dir = path.dirname(target);
    let d;
    try {
      d = await stat(dir);
    } catch (e) {
      if (errCode(e) === 'ENOENT') throw new FileError(`cannot write ${file}: no such directory ${dir}`);
      throw e;
    }
    if (!d.isDirectory()) throw new FileError(`cannot write ${file}: ${dir} is not a directory`);
    await access(dir, constants.W_OK | constants.X_OK);
  } catch (e) {
    throw writeFailure(file, e);
  }
}

async function isGzip(file: string): Promise<boolean> {
  const h = await open(file, 'r');
  try {
    const { bytesRead, buffer } = await h.read(Buffer.alloc(2), 0, 2, 0);
    return bytesRead === 2 && buffer[0] === 0x1f && buffer[1] === 0x8b;
  } finally {
    await h.close();
  }
}

/** Replaces `file` by its gzip compression (streamed). */
async function gzipInPlace(file: string): Promise<void> {
  const part = `${file}.gz-part`;
  try {
    await pipeline(createReadStream(file), createGzip(), createWriteStream(part));
    await rename(part, file);
  } catch (e) {
    await unlink(part).catch(() => {});
    throw e;
  }
}

/**
 * Writes FILE through `write(tmpPath)`: `tmpPath` is a new file in FILE's directory whose name
 * ends like FILE's, renamed over FILE once `write` resolved. A FILE named `*.gz` is gzipped
 * (unless `write` already wrote gzip), as the readers take it. On any failure the temporary file
 * is removed and FILE is untouched; the error is `cannot write FILE: reason`. Devices and pipes
 * are written in place (there is nothing to rename).
 */
export async function writeAtomically(file: string, write: (tmpPath: string) => Promise<void>): Promise<void> {
  let tmp: string | undefined;
  try {
    const target = await resolveTarget(file);
    const old = await existingFile(target);
    if (old && !old.isFile()) {
      await write(target);
      return;
    }
    tmp = path.join(path.dirname(target), `.${randomBytes(6).toString('hex')}.tmp-${path.basename(target)}`);
    await write(tmp);
    if (/\.gz$/i.test(target) && !(await isGzip(tmp))) await gzipInPlace(tmp);
    if (old) await chmod(tmp, old.mode & 0o7777); // the replaced file keeps its permissions
    await rename(tmp, target);
    tmp = undefined;
  } catch (e) {
    throw writeFailure(file, e);
  } finally {
    if (tmp !== undefined) await unlink(tmp).catch(() => {});
  }
}
