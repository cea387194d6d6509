// Fills a SymbolIndex in the background: the JDK's API, then the classpath's jars and class folders,
// then the workspace's sources, reporting progress (items done / total) and giving the event loop back
// every few milliseconds, so that a generation arriving meanwhile is served from what is indexed so far
// (the index says `complete: false` until the end). Incremental: a source whose size and mtime (or, for
// text handed in, whose content hash) are unchanged is not parsed again; sources are cached on disk per
// workspace, jars per jar (./jars.ts), the JDK once (./jdk.ts). Nothing here throws.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cacheKey, freshness, readCache, writeCache } from './disk-cache';
import { typesFromSource } from './from-source';
import type { IndexedType } from './indexed-type';
import { readClassFolder, readJar } from './jars';
import { readJdkApi } from './jdk';
import { TimeSlice } from './time-slice';
import type { SymbolIndex } from './symbol-index';
import { readRegularText } from '../util/safe-read';

export interface IndexInputs {
  /** The JDK to read (default: $JAVA_HOME or javac's), and the project's release; false: none. */
  jdk?: { home?: string; release?: number } | false;
  /** Classpath entries: jars, class folders (folders of sources are indexed as sources by the caller). */
  classpath: string[];
  /** The workspace's .java files. */
  sourceFiles: string[];
  /** Names the workspace's source cache (its root folder); without it sources are not cached on disk. */
  workspace?: string;
}

export interface IndexProgress {
  phase: 'jdk' | 'classpath' | 'sources' | 'done';
  done: number;
  total: number;
}

export interface BuildOptions {
  /** The symbol cache folder (disk-cache.ts `symbolCacheDir()`); undefined: nothing is cached on disk. */
  cacheDir?: string;
  onProgress?(p: IndexProgress): void;
  signal?: AbortSignal;
  /** Longest stretch of work between two yields to the event loop (default 10 ms). */
  sliceMs?: number;
  log?(message: string): void;
}

export interface BuildSummary {
  parsed: number; // sources parsed now
  reused: number; // sources unchanged or read from the cache
  jarsFromCache: number;
  jarsRead: number;
  jdk?: string; // 'release 16 (cached)' or why not
  warnings: string[];
  ms: number;
}

/** Largest source indexed (a generated 5 MB file is not worth the parse). */
const MAX_SOURCE_BYTES = 2 * 1024 * 1024;

type SourceCacheEntry = { key: string; types: IndexedType[] };

function warn(index: SymbolIndex, summary: BuildSummary, log: ((m: string) => void) | undefined, messages: string[]): void {
  for (const m of messages) {
    summary.warnings.push(m);
    index.warnings.push(m);
    log?.(`symbol index: ${m}`);
  }
}

/** Parses one source (given text, else the file) and replaces its types in the index. Never throws. */
export async function indexSourceFile(index: SymbolIndex, file: string, text?: string): Promise<{ changed: boolean; warnings: string[] }> {
  const key = text !== undefined ? `sha:${createHash('sha256').update(text).digest('hex').slice(0, 24)}` : freshness(file);
  if (!key) {
    const had = index.keyOf(file) !== undefined;
    index.remove(file); // deleted or unreadable: its types go
    return { changed: had, warnings: [] };
  }
  if (index.keyOf(file) === key) return { changed: false, warnings: [] };
  let source = text;
  if (source === undefined) {
    try {
      source = readRegularText(file, MAX_SOURCE_BYTES);
    } catch (e) {
      return { changed: false, warnings: [`${file}: not indexed: ${e instanceof Error ? e.message : String(e)}`] };
    }
  }
  const parsed = await typesFromSource(source, file);
  index.put('source', file, key, parsed.types);
  return { changed: true, warnings: parsed.errors };
}

/** Indexes everything in `inputs` into `index` (keeping what is still fresh), in slices. */
export async function buildIndex(index: SymbolIndex, inputs: IndexInputs, opts: BuildOptions = {}): Promise<BuildSummary> {
  const t0 = performance.now();
  const summary: BuildSummary = { parsed: 0, reused: 0, jarsFromCache: 0, jarsRead: 0, warnings: [], ms: 0 };
  const slice = new TimeSlice(opts.sliceMs ?? 10);
  const pause = async (): Promise<boolean> => {
    await slice.pause();
    return !opts.signal?.aborted;
  };
  index.complete = false;
  const total = (inputs.jdk === false ? 0 : 1) + inputs.classpath.length + inputs.sourceFiles.length;
  let done = 0;
  const progress = (phase: IndexProgress['phase']): void => opts.onProgress?.({ phase, done, total });

  if (inputs.jdk !== false) {
    progress('jdk');
    const jdk = await readJdkApi({ ...(inputs.jdk ?? {}), cacheDir: opts.cacheDir, slice });
    if ('error' in jdk) {
      summary.jdk = jdk.error;
      warn(index, summary, opts.log, [jdk.error]);
    } else {
      if (index.keyOf('jdk') !== `${jdk.home}:${jdk.release}`) {
        index.put('jdk', 'jdk', `${jdk.home}:${jdk.release}`, jdk.types);
        index.jdkPackages.clear();
        for (const t of jdk.types) index.jdkPackages.add(t.package);
      }
      summary.jdk = `release ${jdk.release}${jdk.fromCache ? ' (cached)' : ''}`;
      warn(index, summary, opts.log, [...jdk.warnings, ...(jdk.note ? [jdk.note] : [])]);
    }
    done++;
  }

  progress('classpath');
  const wantedJars = new Set(inputs.classpath);
  for (const old of index.originsOf('jar')) if (!wantedJars.has(old)) index.remove(old);
  for (const entry of inputs.classpath) {
    if (!(await pause())) return finish();
    const fresh = freshness(entry);
    let isDir = false;
    try {
      isDir = fs.statSync(entry).isDirectory();
    } catch {
      /* reported by readJar */
    }
    if (isDir) {
      // A class folder changes with every build: read it again unless nothing in it is newer (its mtime only covers direct children, so always re-read).
      const read = await readClassFolder(entry, slice);
      index.put('jar', entry, `dir:${fresh}`, read.types);
      warn(index, summary, opts.log, read.warnings);
    } else if (!fresh || index.keyOf(entry) !== fresh) {
      const read = await readJar(entry, opts.cacheDir, slice);
      if (read.fromCache) summary.jarsFromCache++;
      else summary.jarsRead++;
      index.put('jar', entry, fresh ?? 'missing', read.types);
      warn(index, summary, opts.log, read.warnings);
    } else summary.jarsFromCache++;
    done++;
    progress('classpath');
  }

  progress('sources');
  const cacheName = inputs.workspace ? `sources-${cacheKey(path.resolve(inputs.workspace))}` : undefined;
  const diskCache = new Map<string, SourceCacheEntry>();
  const hadSources = index.originsOf('source').length > 0; // then the disk cache is not read: this index holds newer
  const stored = opts.cacheDir && cacheName && !hadSources ? await readCache<null, [string, SourceCacheEntry]>(opts.cacheDir, cacheName, slice) : undefined;
  for (const [file, entry] of stored?.items ?? []) diskCache.set(file, entry);
  const wanted = new Set(inputs.sourceFiles);
  let removed = 0;
  for (const old of index.originsOf('source')) if (!wanted.has(old)) (index.remove(old), removed++);
  for (const file of inputs.sourceFiles) {
    if (!(await pause())) return finish();
    const fresh = freshness(file);
    if (fresh && index.keyOf(file) === fresh) summary.reused++;
    else if (fresh && diskCache.get(file)?.key === fresh) {
      index.put('source', file, fresh, diskCache.get(file)!.types);
      summary.reused++;
    } else {
      const r = await indexSourceFile(index, file);
      if (r.changed) summary.parsed++;
      warn(index, summary, opts.log, r.warnings);
    }
    done++;
    if (done % 50 === 0) progress('sources');
  }
  index.complete = true;
  // Rewritten only when it would change (11 MB for 10,000 classes: ~0.1 s of JSON on this thread).
  const stale = summary.parsed > 0 || removed > 0 || (!hadSources && diskCache.size !== inputs.sourceFiles.length);
  if (opts.cacheDir && cacheName && stale) {
    const out: [string, SourceCacheEntry][] = [];
    for (const file of index.originsOf('source')) {
      const key = index.keyOf(file);
      if (key && !key.startsWith('sha:')) out.push([file, { key, types: index.typesOf(file) }]);
    }
    const err = await writeCache(opts.cacheDir, cacheName, null, out, slice);
    if (err) warn(index, summary, opts.log, [err]);
  }
  progress('done');
  return finish();

  function finish(): BuildSummary {
    summary.ms = performance.now() - t0;
    return summary;
  }
}
