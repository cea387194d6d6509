// The project's main classes compiled by TestTune when the build's own output is missing or stale:
// javac into a content-addressed cache OUTSIDE the workspace ($XDG_CACHE_HOME/testtune/classes/<hash>,
// the hash over the sources' bytes, the classpath entries and the release), reused when nothing
// changed. Main resources are copied next to the classes. The user's tree is never written.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { userCacheDir } from '../util/cache-dir';
import { compileSettingAside } from './javac-rounds';
import { mainSourceFiles, type ProjectModel } from './model';

export interface CompileMainOptions {
  cacheDir?: string; // default defaultClassesCacheDir()
  /** --release; 11 when JaCoCo 0.8.6 will instrument the classes. Default: the project's release (at least 8). */
  release?: number;
  timeoutMs?: number; // default 10 minutes
  signal?: AbortSignal;
  javac?: string; // default 'javac' from PATH
  /**
   * Compile what compiles: set aside the main files javac reports errors in (typically an optional
   * integration whose library is not available locally) and compile the rest; they are listed in
   * `setAside`. Default false: any error fails the compilation.
   */
  setAsideFailing?: boolean;
}

export interface CompileMainResult {
  classesDir?: string;
  /** First javac errors with file:line, or why javac did not run. */
  errors: string[];
  cached: boolean;
  /** With setAsideFailing: main files left out, each with its first error. */
  setAside: { file: string; error: string }[];
}

const MARKER = '.testtune-complete';
const MIN_RELEASE = 8; // the oldest release every supported JDK still compiles for

export function defaultClassesCacheDir(): string {
  return path.join(userCacheDir(), 'classes');
}

function fileDigest(hash: ReturnType<typeof createHash>, file: string): void {
  try {
    hash.update(file).update('\0').update(fs.readFileSync(file)).update('\0');
  } catch {
    hash.update(file).update('\0unreadable\0');
  }
}

function readMarker(file: string): CompileMainResult['setAside'] {
  try {
    const setAside = JSON.parse(fs.readFileSync(file, 'utf8')).setAside;
    return Array.isArray(setAside) ? setAside : [];
  } catch {
    return [];
  }
}

/** The release javac gets: the caller's, else the project's (raised to 8), else none (javac's default). */
export function releaseFor(model: ProjectModel, requested?: number): number | undefined {
  if (requested !== undefined) return requested;
  return model.javaRelease !== undefined ? Math.max(MIN_RELEASE, model.javaRelease) : undefined;
}

export async function compileMainClasses(model: ProjectModel, opts: CompileMainOptions = {}): Promise<CompileMainResult> {
  const sources = mainSourceFiles(model);
  if (!sources.length) return { errors: [`no main sources under ${model.mainRoots.join(', ') || model.root}`], cached: false, setAside: [] };
  const release = releaseFor(model, opts.release);
  const classpath = model.testClasspath;
  const hash = createHash('sha256');
  hash.update(`release=${release ?? 'default'}\0setAside=${!!opts.setAsideFailing}\0`);
  for (const s of sources) fileDigest(hash, s);
  for (const entry of classpath) {
    // jars are immutable in a repository: path, size and time identify them without reading them
    try {
      const st = fs.statSync(entry);
      hash.update(`${entry}\0${st.size}\0${st.mtimeMs}\0`);
    } catch {
      hash.update(`${entry}\0missing\0`);
    }
  }
  const cacheDir = opts.cacheDir ?? defaultClassesCacheDir();
  const out = path.join(cacheDir, hash.digest('hex').slice(0, 32));
  if (fs.existsSync(path.join(out, MARKER))) return { classesDir: out, errors: [], cached: true, setAside: readMarker(path.join(out, MARKER)) };
  let tmp: string;
  try {
    fs.mkdirSync(cacheDir, { recursive: true });
    tmp = fs.mkdtempSync(path.join(cacheDir, 'tmp-'));
  } catch (e) {
    return { errors: [`cannot create the class cache ${cacheDir}: ${(e as Error).message}`], cached: false, setAside: [] };
  }
  try {
    const classes = path.join(tmp, 'classes');
    fs.mkdirSync(classes);
    const args = ['-J-XX:TieredStopAtLevel=1', '-J-XX:+UseSerialGC', '-nowarn', '-encoding', 'UTF-8', '-proc:none'];
    if (release !== undefined) args.push('--release', String(release));
    if (classpath.length) args.push('-cp', classpath.join(path.delimiter));
    const timeoutMs = opts.timeoutMs ?? 600_000;
    const r = await compileSettingAside(sources, args, classes, { javac: opts.javac, timeoutMs, signal: opts.signal, maxRounds: opts.setAsideFailing ? undefined : 1 });
    if (r.cancelled) return { errors: ['compilation cancelled'], cached: false, setAside: [] };
    if (r.timedOut) return { errors: [`javac timed out after ${Math.round(timeoutMs / 1000)} s`], cached: false, setAside: [] };
    if (!r.compiled.length) return { errors: r.errorLines.slice(0, 10).concat(r.errorLines.length ? [] : r.failing.slice(0, 1).map((f) => f.error)), cached: false, setAside: [] };
    const setAside = r.failing;
    for (const res of model.resourceRoots) if (fs.existsSync(res)) fs.cpSync(res, classes, { recursive: true });
    // the marker records what was left out, so a cache hit reports it too
    fs.writeFileSync(path.join(classes, MARKER), JSON.stringify({ sources: sources.length, setAside }));
    try {
      fs.renameSync(classes, out);
    } catch {
      // another process finished the same compilation first: its result is as good as ours
      if (!fs.existsSync(path.join(out, MARKER))) return { errors: [`cannot move compiled classes into ${out}`], cached: false, setAside: [] };
    }
    return { classesDir: out, errors: [], cached: false, setAside };
  } catch (e) {
    return { errors: [`compiling main classes failed: ${(e as Error).message}`], cached: false, setAside: [] };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
