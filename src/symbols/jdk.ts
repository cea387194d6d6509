// The JDK's public API for the symbol index, from the JDK on this machine, read once (about 4,000 types
// of the java.* modules) and cached on disk by the JDK's path, the release and the source file's size and
// mtime. A release older than the JDK's own comes from `lib/ct.sym`, the zip javac itself reads for
// `--release N`: one `.sig` class file per public type and release, under folders named by the releases
// that share it ('9ABCDEFG/java.base/java/util/List.sig': 9, 10 = A, …, 16 = G). The JDK's own release
// is not in ct.sym: it comes from the runtime image `lib/modules` (./jimage.ts), the packages each java.*
// module exports. Only public and protected types and members are kept. Never throws.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cacheKey, freshness, readCache, writeCache } from './disk-cache';
import { readClassFile } from './class-file';
import { typeFromClassFile } from './from-class';
import type { IndexedType } from './indexed-type';
import { typesOfArchive } from './jars';
import { ZipArchive } from '../util/zip';
import { JImage } from './jimage';
import { TimeSlice } from './time-slice';

export interface JdkApi {
  home: string;
  release: number; // the release whose API was read
  types: IndexedType[];
  warnings: string[];
  note?: string;
  fromCache?: boolean;
}

/** The JDK's home: $JAVA_HOME, else the folder above the `bin/javac` found on PATH. */
export function findJdkHome(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const candidates: string[] = [];
  if (env.JAVA_HOME) candidates.push(env.JAVA_HOME);
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    const javac = path.join(dir, 'javac');
    try {
      if (fs.existsSync(javac)) candidates.push(path.dirname(path.dirname(fs.realpathSync(javac))));
    } catch {
      /* next */
    }
  }
  return candidates.find((h) => fs.existsSync(path.join(h, 'lib', 'ct.sym')));
}

/** The JDK's own feature release from its `release` file (JAVA_VERSION="17.0.21"). */
export function jdkRelease(home: string): number | undefined {
  try {
    const m = /JAVA_VERSION="(?:1\.)?(\d+)/.exec(fs.readFileSync(path.join(home, 'release'), 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

const releaseLetter = (r: number): string => (r < 10 ? String(r) : String.fromCharCode('A'.charCodeAt(0) + r - 10));

/** Only the java.* modules: the API a test names (jdk.* modules are tools and internals). */
function acceptFor(letter: string): (entry: string) => boolean {
  return (entry) => {
    if (!entry.endsWith('.sig')) return false;
    const slash = entry.indexOf('/');
    if (slash < 0 || !entry.slice(0, slash).includes(letter)) return false;
    return entry.startsWith('java.', slash + 1);
  };
}

/** Releases whose API ct.sym holds (folder names of its .sig entries; the JDK's own release has only `system-modules`). */
function releasesIn(names: string[]): Set<string> {
  const out = new Set<string>();
  for (const n of names) if (n.endsWith('.sig')) for (const ch of n.slice(0, n.indexOf('/'))) out.add(ch);
  return out;
}

/** The API a test can use: public and protected types and members (the test is never in a java.* package). */
function apiOnly(types: IndexedType[]): IndexedType[] {
  return types
    .filter((t) => t.access === 'public' || t.access === 'protected')
    .map((t) => ({ ...t, members: t.members.filter((m) => m.access === 'public' || m.access === 'protected') }));
}

/** The exported API of the java.* modules in the runtime image `lib/modules`. */
async function readRuntimeImage(file: string, slice: TimeSlice): Promise<{ types: IndexedType[]; warnings: string[] } | { error: string }> {
  const opened = await JImage.open(file, slice);
  if (!opened.image) return { error: opened.error! };
  const image = opened.image;
  try {
    const javaModules = image.entries.filter((e) => e.module.startsWith('java.'));
    const exported = new Set<string>();
    for (const e of javaModules) {
      if (e.name !== 'module-info.class') continue;
      const read = image.read(e);
      const info = read.data ? readClassFile(read.data) : undefined;
      for (const pkg of info?.value?.exports ?? []) exported.add(`${e.module}/${pkg}`);
    }
    if (!exported.size) return { error: `${file}: no exported packages found in the java.* modules` };
    const types: IndexedType[] = [];
    const warnings: string[] = [];
    for (const e of javaModules) {
      const slash = e.name.lastIndexOf('/');
      if (!e.name.endsWith('.class') || slash < 0 || !exported.has(`${e.module}/${e.name.slice(0, slash)}`)) continue;
      await slice.pause();
      const read = image.read(e);
      const cls = read.data ? readClassFile(read.data) : { error: read.error };
      if (!cls.value) {
        if (warnings.length < 5) warnings.push(`${file}: skipped /${e.module}/${e.name}: ${cls.error}`);
        continue;
      }
      const t = typeFromClassFile(cls.value);
      if (t) types.push(t);
    }
    return { types: apiOnly(types), warnings };
  } finally {
    image.close();
  }
}

/** The JDK's public API for `release` (default: the JDK's own), from the cache when fresh. */
export async function readJdkApi(opts: { home?: string; release?: number; cacheDir?: string; slice?: TimeSlice } = {}): Promise<JdkApi | { error: string }> {
  const slice = opts.slice ?? new TimeSlice();
  const home = opts.home ?? findJdkHome();
  if (!home) return { error: 'no JDK found (set JAVA_HOME, or put javac on PATH): the JDK\'s API is not indexed' };
  const own = jdkRelease(home);
  const wanted = Math.min(opts.release ?? own ?? 17, own ?? Infinity);
  const modules = path.join(home, 'lib', 'modules');
  const ctSym = path.join(home, 'lib', 'ct.sym');
  const fromImage = wanted === own && fs.existsSync(modules);
  const source = fromImage ? modules : ctSym;
  const fresh = freshness(source);
  if (!fresh) return { error: `${source} cannot be read: the JDK's API is not indexed` };
  const name = `jdk-${cacheKey(path.resolve(home), wanted, source, fresh)}`;
  const cached = opts.cacheDir ? await readCache<Omit<JdkApi, 'fromCache' | 'types'>, IndexedType>(opts.cacheDir, name, slice) : undefined;
  if (cached) return { ...cached.meta, types: cached.items, fromCache: true };

  let api: JdkApi;
  if (fromImage) {
    const read = await readRuntimeImage(modules, slice);
    if ('error' in read) return read;
    api = { home, release: wanted, types: read.types, warnings: read.warnings };
  } else {
    let bytes: Buffer;
    try {
      bytes = await fs.promises.readFile(ctSym);
    } catch (e) {
      return { error: `${ctSym}: ${e instanceof Error ? e.message : String(e)}` };
    }
    const opened = ZipArchive.open(bytes);
    if (!opened.archive) return { error: `${ctSym}: ${opened.error}` };
    const held = releasesIn(opened.archive.entries.map((e) => e.name));
    let release = wanted;
    while (release > 7 && !held.has(releaseLetter(release))) release--;
    if (!held.has(releaseLetter(release))) return { error: `${ctSym} holds no release up to ${wanted}` };
    const note = release !== wanted ? `${ctSym} holds releases up to ${release}: the JDK ${wanted} API is read as ${release}'s` : undefined;
    const read = await typesOfArchive(bytes, ctSym, acceptFor(releaseLetter(release)), slice);
    api = { home, release, types: apiOnly(read.types), warnings: read.warnings, note };
  }
  if (!api.types.length) return { error: `${source}: no API types found for release ${api.release}` };
  if (opts.cacheDir) {
    const { types, ...meta } = api;
    const err = await writeCache(opts.cacheDir, name, meta, types, slice);
    if (err) api.warnings.push(err);
  }
  return api;
}
