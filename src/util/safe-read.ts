// Reading files that someone else chose (a downloaded model folder, a workspace file) without being
// made to hang or to exhaust memory: the path must lead to a regular file (not a FIFO, which blocks a
// reader forever, nor a device such as /dev/zero, which never ends), its size must be within a limit
// known before reading, and only that many bytes are read. Errors name the file.
import * as fs from 'node:fs';

export class UnsafeFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsafeFileError';
  }
}

function kindOf(st: fs.Stats): string {
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  if (st.isDirectory()) return 'a directory';
  return 'not a regular file';
}

const mib = (n: number) => `${(n / 1048576).toFixed(n < 1048576 ? 2 : 0)} MiB`;

/**
 * An open regular file and its size. O_NONBLOCK: opening a FIFO would otherwise wait for a writer
 * forever; fstat on the open descriptor (not a stat of the path) sees what is actually read, symlinks
 * followed.
 */
export function openRegularFile(file: string, what = file): { fd: number; size: number } {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
  } catch (e) {
    throw new UnsafeFileError(`cannot read ${what}: ${(e as Error).message}`);
  }
  const st = fs.fstatSync(fd);
  if (!st.isFile()) {
    fs.closeSync(fd);
    throw new UnsafeFileError(`${what} is ${kindOf(st)}, not a regular file; refusing to read it`);
  }
  return { fd, size: st.size };
}

/** Reads exactly `length` bytes at `position` (fewer only if the file shrank: an error). */
export function readExactly(fd: number, length: number, position: number, what: string): Buffer {
  const buf = Buffer.allocUnsafe(length);
  let done = 0;
  while (done < length) {
    const n = fs.readSync(fd, buf, done, length - done, position + done);
    if (n === 0) throw new UnsafeFileError(`${what} ended after ${position + done} bytes while reading ${position + length} (was it changed while being read?)`);
    done += n;
  }
  return buf;
}

/** The whole file, when it is a regular file of at most `maxBytes`. */
export function readRegularFile(file: string, maxBytes: number, what = file): Buffer {
  const { fd, size } = openRegularFile(file, what);
  try {
    if (size > maxBytes) throw new UnsafeFileError(`${what} is ${mib(size)}, over the ${mib(maxBytes)} this file may have; refusing to read it`);
    return readExactly(fd, size, 0, what);
  } finally {
    fs.closeSync(fd);
  }
}

/** `readRegularFile` as UTF-8 text. */
export function readRegularText(file: string, maxBytes: number, what = file): string {
  return readRegularFile(file, maxBytes, what).toString('utf8');
}

/** Limits for the small files of a model or adapter folder. */
export const MAX_JSON_CONFIG_BYTES = 4 * 1024 * 1024;
export const MAX_TOKENIZER_BYTES = 256 * 1024 * 1024;
