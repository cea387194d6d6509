// The classpath's jars and class folders as index types: every .class entry read with ./class-file.ts.
// A jar's types are cached on disk by path + size + mtime, so a warm start reads one JSON file per jar.
// A corrupt jar or class file is skipped with a warning that names it; nothing here throws.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readClassFile } from './class-file';
import { cacheKey, freshness, readCache, writeCache } from './disk-cache';
import { typeFromClassFile } from './from-class';
import type { IndexedType } from './indexed-type';
import { TimeSlice } from './time-slice';
import { ZipArchive } from '../util/zip';

export interface ReadTypes {
  types: IndexedType[];
  warnings: string[];
  fromCache?: boolean;
}

/** Largest jar read (whole, into memory); a bigger one is skipped with a warning. */
const MAX_JAR_BYTES = 512 * 1024 * 1024;
/** Per-class warnings kept per jar; the rest are counted. */
const MAX_CLASS_WARNINGS = 5;

/** Types of the .class entries of a zip (a jar, or ct.sym's .sig entries with `accept`). */
export async function typesOfArchive(bytes: Buffer, what: string, accept: (entryName: string) => boolean, slice = new TimeSlice()): Promise<ReadTypes> {
  const opened = ZipArchive.open(bytes);
  if (!opened.archive) return { types: [], warnings: [`${what}: skipped, ${opened.error}`] };
  const types: IndexedType[] = [];
  const warnings: string[] = [];
  let bad = 0;
  for (const entry of opened.archive.entries) {
    if (!accept(entry.name)) continue;
    await slice.pause();
    const data = opened.archive.read(entry);
    const cls = data.data ? readClassFile(data.data) : { error: data.error };
    if (!cls.value) {
      if (++bad <= MAX_CLASS_WARNINGS) warnings.push(`${what}: skipped ${entry.name}: ${cls.error}`);
      continue;
    }
    const t = typeFromClassFile(cls.value);
    if (t) types.push(t);
  }
  if (bad > MAX_CLASS_WARNINGS) warnings.push(`${what}: ${bad - MAX_CLASS_WARNINGS} more unreadable class files skipped`);
  return { types, warnings };
}

const isClassEntry = (name: string): boolean => name.endsWith('.class') && !name.startsWith('META-INF/');

/** One jar's types, from the cache when its size and mtime are unchanged. */
export async function readJar(jar: string, cacheDir: string | undefined, slice = new TimeSlice()): Promise<ReadTypes> {
  const fresh = freshness(jar);
  if (!fresh) return { types: [], warnings: [`${jar}: skipped, cannot be read`] };
  const name = `jar-${cacheKey(path.resolve(jar), fresh)}`;
  const cached = cacheDir ? await readCache<null, IndexedType>(cacheDir, name, slice) : undefined;
  if (cached) return { types: cached.items, warnings: [], fromCache: true };
  let bytes: Buffer;
  try {
    if (fs.statSync(jar).size > MAX_JAR_BYTES) return { types: [], warnings: [`${jar}: skipped, larger than ${MAX_JAR_BYTES / 1024 / 1024} MiB`] };
    bytes = fs.readFileSync(jar);
  } catch (e) {
    return { types: [], warnings: [`${jar}: skipped, ${e instanceof Error ? e.message : String(e)}`] };
  }
  const read = await typesOfArchive(bytes, jar, isClassEntry, slice);
  // A jar that is not a zip at all is not cached: it may be being written right now.
  if (cacheDir && read.types.length) {
    const err = await writeCache(cacheDir, name, null, read.types, slice);
    if (err) read.warnings.push(err);
  }
  return read;
}

/** The types of the .class files under a class folder (target/classes), never cached: it changes with each build. */
export async function readClassFolder(dir: string, slice = new TimeSlice()): Promise<ReadTypes> {
  const types: IndexedType[] = [];
  const warnings: string[] = [];
  const walk = async (d: string): Promise<void> => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.isFile() && e.name.endsWith('.class')) {
        await slice.pause();
        let cls;
        try {
          cls = readClassFile(fs.readFileSync(p));
        } catch (err) {
          cls = { error: err instanceof Error ? err.message : String(err) };
        }
        if (cls.value) {
          const t = typeFromClassFile(cls.value);
          if (t) types.push(t);
        } else warnings.push(`${p}: skipped: ${cls.error}`);
      }
    }
  };
  await walk(dir);
  return { types, warnings };
}
