// `corpus fetch`: downloads Debian source packages (only those on the training list) into a cache
// directory through a private apt setup. Resumable: a package whose folder holds a `.complete`
// marker is not fetched again. Failures (e.g. a version the mirror no longer has) are reported and
// skipped, and recorded in `<cacheDir>/fetch-report.json`.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PrivateApt } from './apt';

export interface PackageSpec {
  name: string;
  version?: string;
}

export interface FetchFailure {
  name: string;
  version?: string;
  reason: string;
}

export interface FetchReport {
  requested: number;
  fetched: string[]; // newly downloaded this run
  cached: string[]; // already complete from an earlier run
  failed: FetchFailure[];
  withoutDebianTarball: string[]; // fetched, but the mirror lacked the packaging tarball (the sources are there)
  bytes: number; // bytes of all complete packages in the cache
}

export interface FetchOptions {
  cacheDir: string;
  limit?: number;
  concurrency?: number;
  log?: (line: string) => void;
  apt?: PrivateApt;
  /** Refresh the private apt lists when they are older than this (default one day). */
  listsMaxAgeMs?: number;
}

/** Parses a package list: one `name<whitespace>version` (version optional) per line, `#` comments. */
export function parsePackageList(text: string): { packages: PackageSpec[]; errors: string[] } {
  const packages: PackageSpec[] = [];
  const errors: string[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.replace(/#.*/, '').trim();
    if (!line) return;
    const [name, version, ...rest] = line.split(/\s+/);
    if (!/^[a-z0-9][a-z0-9+.-]+$/.test(name) || rest.length > 0) {
      errors.push(`line ${i + 1}: not 'name version': ${raw}`);
      return;
    }
    packages.push(version ? { name, version } : { name });
  });
  return { packages, errors };
}

/** Keeps only the packages present on the allowed list (by name); returns the rejected names. */
export function restrictToAllowed(wanted: PackageSpec[], allowed: PackageSpec[]): { kept: PackageSpec[]; rejected: string[] } {
  const byName = new Map(allowed.map((p) => [p.name, p]));
  const kept: PackageSpec[] = [];
  const rejected: string[] = [];
  for (const w of wanted) {
    const a = byName.get(w.name);
    if (!a || (w.version && a.version && w.version !== a.version)) rejected.push(w.version ? `${w.name}=${w.version}` : w.name);
    else kept.push({ name: a.name, version: w.version ?? a.version });
  }
  return { kept, rejected };
}

export function packageDirName(p: PackageSpec): string {
  return p.version ? `${p.name}_${p.version.replace(/[:/]/g, '_')}` : p.name;
}

function packagesDir(cacheDir: string): string {
  return path.join(path.resolve(cacheDir), 'packages');
}

function dirBytes(dir: string): number {
  let n = 0;
  for (const f of fs.readdirSync(dir)) n += fs.statSync(path.join(dir, f)).size;
  return n;
}

/** Files listed in the folder's .dsc that are not present with the listed size; undefined without a .dsc. */
export function missingUpstreamFiles(dir: string): string[] | undefined {
  const dsc = fs.readdirSync(dir).find((f) => f.endsWith('.dsc'));
  if (!dsc) return undefined;
  const text = fs.readFileSync(path.join(dir, dsc), 'utf8');
  const files = text.match(/^Files:\n((?:[ \t].*\n?)+)/m);
  if (!files) return [];
  const missing: string[] = [];
  for (const line of files[1].split('\n')) {
    const [, size, name] = line.trim().split(/\s+/);
    if (!name) continue;
    const f = path.join(dir, name);
    if (!fs.existsSync(f) || fs.statSync(f).size !== Number(size)) missing.push(name);
  }
  return missing;
}

/** The first line of apt's output that explains a failure. */
function failureReason(stderr: string, stdout: string, code: number): string {
  const lines = (stderr + '\n' + stdout).split('\n').map((l) => l.trim());
  const err = lines.filter((l) => l.startsWith('E:')).map((l) => l.slice(2).trim());
  if (err.length) return err.join('; ').slice(0, 400);
  return `apt-get exited with code ${code}`;
}

export async function fetchPackages(packages: PackageSpec[], opts: FetchOptions): Promise<FetchReport> {
  const log = opts.log ?? ((l: string) => process.stderr.write(l + '\n'));
  const apt = opts.apt ?? new PrivateApt(opts.cacheDir);
  const list = opts.limit !== undefined ? packages.slice(0, opts.limit) : packages;
  const report: FetchReport = { requested: list.length, fetched: [], cached: [], failed: [], withoutDebianTarball: [], bytes: 0 };
  const root = packagesDir(opts.cacheDir);
  fs.mkdirSync(root, { recursive: true });

  const todo = list.filter((p) => {
    const done = fs.existsSync(path.join(root, packageDirName(p), '.complete'));
    if (done) report.cached.push(packageDirName(p));
    return !done;
  });
  if (report.cached.length) log(`${report.cached.length} of ${list.length} packages already in the cache`);

  if (todo.length > 0) {
    apt.prepare();
    if (!apt.listsFresh(opts.listsMaxAgeMs)) {
      log('updating the private apt source lists…');
      const u = await apt.update();
      if (u.code !== 0 || !apt.listsFresh(Number.MAX_SAFE_INTEGER)) {
        const reason = `apt-get update failed (is the mirror reachable?): ${failureReason(u.stderr, u.stdout, u.code)}`;
        for (const p of todo) report.failed.push({ ...p, reason });
        log(reason);
        return finish(report, root, opts.cacheDir);
      }
    }
  }

  let next = 0;
  let done = 0;
  const started = Date.now();
  const worker = async (): Promise<void> => {
    while (next < todo.length) {
      const p = todo[next++];
      const name = packageDirName(p);
      const final = path.join(root, name);
      const partial = path.join(root, `.partial-${name}`);
      fs.rmSync(partial, { recursive: true, force: true });
      fs.mkdirSync(partial, { recursive: true });
      const t0 = Date.now();
      const r = await apt.source(p.name, p.version, partial);
      const missing = missingUpstreamFiles(partial);
      // The Java lives in the upstream tarball(s): a missing Debian packaging tarball is tolerated.
      const ok = missing !== undefined && missing.filter((f) => !/\.debian\.tar\./.test(f)).length === 0;
      if (ok && r.code !== 0) report.withoutDebianTarball.push(packageDirName(p));
      done++;
      const prefix = `[${done + report.cached.length}/${list.length}]`;
      if (ok) {
        fs.writeFileSync(path.join(partial, '.complete'), JSON.stringify({ name: p.name, version: p.version, at: new Date().toISOString() }) + '\n');
        fs.rmSync(final, { recursive: true, force: true });
        fs.renameSync(partial, final);
        report.fetched.push(name);
        const kb = Math.round(dirBytes(final) / 1024);
        const eta = Math.round(((Date.now() - started) / done) * (todo.length - done) / 1000);
        log(`${prefix} ${p.name} ${p.version ?? ''} ok${r.code !== 0 ? ' (without the Debian packaging tarball)' : ''}, ${kb} KiB in ${((Date.now() - t0) / 1000).toFixed(1)} s (eta ${eta} s)`);
      } else {
        fs.rmSync(partial, { recursive: true, force: true });
        const reason = failureReason(r.stderr, r.stdout, r.code);
        report.failed.push({ ...p, reason });
        log(`${prefix} ${p.name} ${p.version ?? ''} FAILED: ${reason}`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.concurrency ?? 2) }, worker));
  return finish(report, root, opts.cacheDir);
}

function finish(report: FetchReport, root: string, cacheDir: string): FetchReport {
  for (const d of fs.readdirSync(root)) {
    if (fs.existsSync(path.join(root, d, '.complete'))) report.bytes += dirBytes(path.join(root, d));
  }
  fs.writeFileSync(path.join(path.resolve(cacheDir), 'fetch-report.json'), JSON.stringify(report, null, 2) + '\n');
  return report;
}

/** Complete package folders in the cache, sorted by name. */
export function cachedPackages(cacheDir: string): { name: string; dir: string }[] {
  const root = packagesDir(cacheDir);
  if (!fs.existsSync(root)) return [];
  return fs
    .readdirSync(root)
    .filter((d) => !d.startsWith('.') && fs.existsSync(path.join(root, d, '.complete')))
    .sort()
    .map((d) => ({ name: d, dir: path.join(root, d) }));
}
