// The JDK's public API for the symbol index, from the JDK on this machine: `lib/ct.sym`, the zip javac
// itself reads for `--release N`, holds one `.sig` class file per public type and release, under folders
// named by the releases that share it ('9ABCDEFG/java.base/java/util/List.sig': 9, 10 = A, …, 16 = G).
// Read once (about 4,000 types of the java.* modules) and cached on disk by the JDK's path, release and
// ct.sym's mtime. A JDK's ct.sym stops one release short of itself (JDK 17's ends at 16), so a newer
// release is read as the newest one it holds, which is said in `note`. Never throws.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cacheKey, freshness, readCache, writeCache } from './disk-cache';
import type { IndexedType } from './indexed-type';
import { typesOfArchive } from './jars';

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

/** The JDK's public API for `release` (default: the JDK's own), from the cache when fresh. */
export async function readJdkApi(opts: { home?: string; release?: number; cacheDir?: string } = {}): Promise<JdkApi | { error: string }> {
  const home = opts.home ?? findJdkHome();
  if (!home) return { error: 'no JDK found (set JAVA_HOME, or put javac on PATH): the JDK\'s API is not indexed' };
  const ctSym = path.join(home, 'lib', 'ct.sym');
  const fresh = freshness(ctSym);
  if (!fresh) return { error: `${ctSym} cannot be read: the JDK's API is not indexed` };
  const wanted = opts.release ?? jdkRelease(home) ?? 17;
  const name = `jdk-${cacheKey(path.resolve(home), wanted, fresh)}.json`;
  const cached = opts.cacheDir ? readCache<Omit<JdkApi, 'fromCache'>>(opts.cacheDir, name) : undefined;
  if (cached) return { ...cached, fromCache: true };

  let bytes: Buffer;
  try {
    bytes = await fs.promises.readFile(ctSym);
  } catch (e) {
    return { error: `${ctSym}: ${e instanceof Error ? e.message : String(e)}` };
  }
  const { ZipArchive } = await import('../util/zip');
  const opened = ZipArchive.open(bytes);
  if (!opened.archive) return { error: `${ctSym}: ${opened.error}` };
  const held = releasesIn(opened.archive.entries.map((e) => e.name));
  let release = wanted;
  while (release > 7 && !held.has(releaseLetter(release))) release--;
  if (!held.has(releaseLetter(release))) return { error: `${ctSym} holds no release up to ${wanted}` };
  const note = release !== wanted ? `${ctSym} holds releases up to ${release}: the JDK ${wanted} API is read as ${release}'s` : undefined;
  const read = typesOfArchive(bytes, ctSym, acceptFor(releaseLetter(release)));
  const api: JdkApi = { home, release, types: read.types, warnings: read.warnings, note };
  if (!api.types.length) return { error: `${ctSym}: no API types found for release ${release}` };
  if (opts.cacheDir) {
    const err = writeCache(opts.cacheDir, name, api);
    if (err) api.warnings.push(err);
  }
  return api;
}
