// The symbol index's files in TestTune's cache folder (src/util/cache-dir.ts): the JDK's API, each jar's
// types and each workspace's source index, as JSON named by a hash of what makes them fresh (path,
// size, mtime, release). Reading a damaged or foreign file gives undefined (the caller re-indexes),
// writing goes through a temporary file and a rename so that a reader never sees half a file.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { userCacheDir } from '../util/cache-dir';

/** Bump when IndexedType's shape or what the readers extract changes: older files are then ignored. */
export const INDEX_FORMAT = 1;

export function symbolCacheDir(base = userCacheDir()): string {
  return path.join(base, 'symbols');
}

export function cacheKey(...parts: (string | number)[]): string {
  return createHash('sha256').update(JSON.stringify([INDEX_FORMAT, ...parts])).digest('hex').slice(0, 24);
}

/** `size:mtimeMs` of a file, or undefined when it cannot be read. */
export function freshness(file: string): string | undefined {
  try {
    const st = fs.statSync(file);
    return `${st.size}:${Math.floor(st.mtimeMs)}`;
  } catch {
    return undefined;
  }
}

export function readCache<T>(dir: string, name: string): T | undefined {
  try {
    const data = JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8')) as { format?: number; value?: T };
    return data.format === INDEX_FORMAT ? data.value : undefined;
  } catch {
    return undefined;
  }
}

/** Writes `value` as `name`; returns an error message instead of throwing (a read-only cache only costs speed). */
export function writeCache(dir: string, name: string, value: unknown): string | undefined {
  try {
    fs.mkdirSync(dir, { recursive: true });
    const tmp = path.join(dir, `.${name}.${process.pid}.tmp`);
    fs.writeFileSync(tmp, JSON.stringify({ format: INDEX_FORMAT, value }));
    fs.renameSync(tmp, path.join(dir, name));
    return undefined;
  } catch (e) {
    return `cannot write the symbol cache ${path.join(dir, name)}: ${e instanceof Error ? e.message : String(e)}`;
  }
}
