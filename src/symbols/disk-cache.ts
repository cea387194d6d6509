// The symbol index's files in TestTune's cache folder (src/util/cache-dir.ts): the JDK's API, each jar's
// types and each workspace's source index, as JSON named by a hash of what makes them fresh (path,
// size, mtime, release), split in parts of a few hundred items so that no single parse holds the
// editor's thread. Reading a damaged or foreign file gives undefined (the caller re-indexes); each file
// is written through a temporary file and a rename, the head last.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TimeSlice } from './time-slice';
import { userCacheDir } from '../util/cache-dir';

/** Bump when IndexedType's shape or what the readers extract changes: older files are then ignored. */
export const INDEX_FORMAT = 4;

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

/** Items per cache file: JSON.parse/stringify of one part stays around 10 ms, so the editor's thread is never held long. */
const PART_ITEMS = 400;

interface Head<M> {
  id: string;
  parts: number;
  meta: M;
}

function readJson<T>(file: string): T | undefined {
  try {
    const data = JSON.parse(fs.readFileSync(file, 'utf8')) as { format?: number; value?: T };
    return data.format === INDEX_FORMAT ? data.value : undefined;
  } catch {
    return undefined;
  }
}

function writeJson(file: string, value: unknown): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify({ format: INDEX_FORMAT, value }));
  fs.renameSync(tmp, file);
}

const partFile = (dir: string, name: string, i: number): string => path.join(dir, `${name}.${i}.json`);

/**
 * Reads what `writeCache` wrote as `name`: its meta and items, a part at a time with the event loop given
 * back between parts. Undefined when missing, damaged, of another format, or mixed from two writes.
 */
export async function readCache<M, T>(dir: string, name: string, slice: TimeSlice): Promise<{ meta: M; items: T[] } | undefined> {
  const head = readJson<Head<M>>(path.join(dir, `${name}.json`));
  if (!head || typeof head.parts !== 'number') return undefined;
  const items: T[] = [];
  for (let i = 0; i < head.parts; i++) {
    await slice.pause();
    const part = readJson<{ id: string; items: T[] }>(partFile(dir, name, i));
    if (!part || part.id !== head.id || !Array.isArray(part.items)) return undefined;
    for (const item of part.items) items.push(item);
  }
  return { meta: head.meta, items };
}

/**
 * Writes `meta` and `items` as `name`: the items in parts of a few hundred, then the head that names them
 * (a reader finds either the old head or a complete new set). Returns an error message instead of
 * throwing: a read-only cache only costs speed.
 */
export async function writeCache<M, T>(dir: string, name: string, meta: M, items: T[], slice: TimeSlice): Promise<string | undefined> {
  try {
    fs.mkdirSync(dir, { recursive: true });
    const id = `${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`;
    const parts = Math.ceil(items.length / PART_ITEMS);
    for (let i = 0; i < parts; i++) {
      await slice.pause();
      writeJson(partFile(dir, name, i), { id, items: items.slice(i * PART_ITEMS, (i + 1) * PART_ITEMS) });
    }
    writeJson(path.join(dir, `${name}.json`), { id, parts, meta } satisfies Head<M>);
    return undefined;
  } catch (e) {
    return `cannot write the symbol cache ${path.join(dir, name)}: ${e instanceof Error ? e.message : String(e)}`;
  }
}
