// `corpus build`: from fetched Debian source packages to (a) pre-training shards of Java source,
// (b) mined focal-method/test pairs split train/valid by package, (c) stats. Unpacks only the .java
// members of each upstream tarball (the Debian packaging tarball is not needed), into
// <cacheDir>/unpacked/<package>/ (kept, so a rebuild does not unpack again).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { run } from './apt';
import { cachedPackages } from './fetch';
import { FileDeduper } from '../dedupe';
import { listJavaFiles, mineRepo } from '../miner';
import { emptyReport, mergeReports, type MineReport } from '../report';
import { partOfRepository } from '../split';
import { Tokenizer } from '../../model/tokenizer';

export interface BuildOptions {
  cacheDir: string;
  outDir: string;
  tokenizerPath?: string;
  limit?: number;
  validFraction?: number; // share of packages whose pairs go to valid (default 0.05)
  shardBytes?: number; // pre-training shard size (default 64 MiB)
  pairs?: boolean; // mine pairs (default true)
  maxFileBytes?: number; // larger .java files are left out (default 1 MiB: generated code)
  log?: (line: string) => void;
  /** Package names that may be used (the training list); others in the cache are left out and listed. */
  allowed?: Set<string>;
}

export interface PackageStats {
  package: string;
  javaFiles: number;
  javaBytes: number;
  keptFiles: number; // after duplicate removal
  keptBytes: number;
  duplicates: { exact: number; normalised: number; near: number };
  tooLarge: number;
  seconds: number;
  tokens?: number;
  testClasses: number;
  testMethods: number;
  pairs: number;
  split: 'train' | 'valid' | 'test';
  unpackError?: string;
}

export interface CorpusStats {
  totals: {
    packages: number;
    packagesWithJava: number;
    javaFiles: number;
    javaBytes: number;
    keptFiles: number;
    keptBytes: number;
    duplicateFiles: { exact: number; normalised: number; near: number };
    tokens?: number;
    pairs: number;
    trainPairs: number;
    validPairs: number;
    shards: number;
    seconds: number;
    complete: boolean; // false while the build runs (stats.json is rewritten after every package)
  };
  packages: PackageStats[];
  notAllowed: string[]; // cached packages that are not on the training list (not used)
}

/** Upstream tarballs of a fetched package folder (all tarballs except the Debian packaging one). */
export function upstreamTarballs(pkgDir: string): string[] {
  return fs
    .readdirSync(pkgDir)
    .filter((f) => /\.tar(\.(gz|xz|bz2|lzma|zst))?$/.test(f) && !/\.debian\.tar\./.test(f))
    .sort()
    .map((f) => path.join(pkgDir, f));
}

/** Extracts the .java members of the package's tarballs into `dest` (once: a marker records it). */
async function unpackJava(pkgDir: string, dest: string): Promise<{ error?: string }> {
  const marker = path.join(dest, '.unpacked');
  if (fs.existsSync(marker)) return {};
  fs.rmSync(dest, { recursive: true, force: true });
  fs.mkdirSync(dest, { recursive: true });
  const tars = upstreamTarballs(pkgDir);
  if (tars.length === 0) return { error: 'no upstream tarball' };
  const errors: string[] = [];
  for (const t of tars) {
    const sub = path.join(dest, path.basename(t).replace(/\.tar(\.\w+)?$/, ''));
    fs.mkdirSync(sub, { recursive: true });
    const r = await run('tar', ['-x', '-f', t, '-C', sub, '--no-same-owner', '--no-same-permissions', '--wildcards', '--no-anchored', '*.java'], sub);
    // exit 2 with "Not found in archive" only means there is no .java in this tarball
    if (r.code !== 0 && !/Not found in archive/.test(r.stderr)) errors.push(`${path.basename(t)}: ${r.stderr.trim().split('\n').slice(-1)[0]}`);
  }
  fs.writeFileSync(marker, '');
  return errors.length ? { error: errors.join('; ') } : {};
}

class ShardWriter {
  private index = 0;
  private bytes = 0;
  private fd: number | undefined;
  count = 0;
  constructor(private dir: string, private limit: number) {
    fs.mkdirSync(dir, { recursive: true });
    for (const f of fs.readdirSync(dir)) if (/^shard-\d+\.jsonl$/.test(f)) fs.rmSync(path.join(dir, f));
  }
  write(obj: object): void {
    const line = JSON.stringify(obj) + '\n';
    if (this.fd === undefined || this.bytes + line.length > this.limit) this.rotate();
    fs.writeSync(this.fd!, line);
    this.bytes += line.length;
  }
  private rotate(): void {
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = fs.openSync(path.join(this.dir, `shard-${String(this.index++).padStart(5, '0')}.jsonl`), 'w');
    this.bytes = 0;
    this.count++;
  }
  close(): void {
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
  }
}

export async function buildCorpus(opts: BuildOptions): Promise<CorpusStats> {
  const t0 = Date.now();
  const log = opts.log ?? ((l: string) => process.stderr.write(l + '\n'));
  const out = path.resolve(opts.outDir);
  fs.mkdirSync(path.join(out, 'pairs'), { recursive: true });
  const tokenizer = opts.tokenizerPath ? Tokenizer.fromFile(opts.tokenizerPath) : undefined;
  const maxFileBytes = opts.maxFileBytes ?? 1 << 20;
  let pkgs = cachedPackages(opts.cacheDir);
  const notAllowed = opts.allowed ? pkgs.filter((p) => !opts.allowed!.has(p.name.split('_')[0])).map((p) => p.name) : [];
  if (notAllowed.length) {
    log(`not on the training list, left out: ${notAllowed.join(', ')}`);
    pkgs = pkgs.filter((p) => !notAllowed.includes(p.name));
  }
  if (opts.limit !== undefined) pkgs = pkgs.slice(0, opts.limit);
  if (pkgs.length === 0) throw new Error(`no fetched packages in ${path.resolve(opts.cacheDir)}/packages: run 'testtune corpus fetch' first`);

  const shards = new ShardWriter(path.join(out, 'pretrain'), opts.shardBytes ?? 64 << 20);
  const pairFiles = { train: path.join(out, 'pairs', 'train.jsonl'), valid: path.join(out, 'pairs', 'valid.jsonl'), test: path.join(out, 'pairs', 'test.jsonl') };
  const pairFds = { train: fs.openSync(pairFiles.train, 'w'), valid: fs.openSync(pairFiles.valid, 'w'), test: -1 };
  const dedupe = new FileDeduper();
  const seenPairs = new Set<string>();
  const total = emptyReport('corpus');
  const stats: CorpusStats = {
    totals: {
      packages: pkgs.length, packagesWithJava: 0, javaFiles: 0, javaBytes: 0, keptFiles: 0, keptBytes: 0,
      duplicateFiles: { exact: 0, normalised: 0, near: 0 }, tokens: tokenizer ? 0 : undefined,
      pairs: 0, trainPairs: 0, validPairs: 0, shards: 0, seconds: 0, complete: false,
    },
    packages: [],
    notAllowed,
  };
  const split = { valid: opts.validFraction ?? 0.05, test: 0 };

  for (const [i, p] of pkgs.entries()) {
    const pkgName = p.name.split('_')[0];
    const dest = path.join(path.resolve(opts.cacheDir), 'unpacked', p.name);
    const tp = Date.now();
    const { error } = await unpackJava(p.dir, dest);
    const ps: PackageStats = {
      package: p.name, javaFiles: 0, javaBytes: 0, keptFiles: 0, keptBytes: 0, duplicates: { exact: 0, normalised: 0, near: 0 },
      tooLarge: 0, seconds: 0, tokens: tokenizer ? 0 : undefined, testClasses: 0, testMethods: 0, pairs: 0, split: partOfRepository(pkgName, split),
      ...(error ? { unpackError: error } : {}),
    };
    for (const rel of listJavaFiles(dest)) {
      let text: string;
      try {
        text = fs.readFileSync(path.join(dest, rel), 'utf8');
      } catch {
        continue;
      }
      ps.javaFiles++;
      ps.javaBytes += Buffer.byteLength(text);
      if (text.length > maxFileBytes) {
        ps.tooLarge++;
        continue;
      }
      const dup = dedupe.check(text);
      if (dup) {
        ps.duplicates[dup]++;
        continue;
      }
      ps.keptFiles++;
      ps.keptBytes += Buffer.byteLength(text);
      if (tokenizer) ps.tokens! += tokenizer.encode(text).length;
      shards.write({ repository: pkgName, path: rel, text });
    }
    if (opts.pairs !== false && ps.javaFiles > 0) {
      const mined = await mineRepo(dest, { repository: pkgName, seen: seenPairs, maxFileBytes });
      ps.testClasses = mined.report.testClasses;
      ps.testMethods = mined.report.testMethods;
      ps.pairs = mined.records.length;
      const fd = ps.split === 'valid' ? pairFds.valid : pairFds.train;
      for (const r of mined.records) fs.writeSync(fd, JSON.stringify(r) + '\n');
      mergeReports(total, compactReport(mined.report));
    }
    ps.seconds = (Date.now() - tp) / 1000;
    addTotals(stats, ps);
    stats.packages.push(ps);
    stats.totals.shards = shards.count;
    stats.totals.seconds = (Date.now() - t0) / 1000;
    writeJson(path.join(out, 'stats.json'), stats);
    log(`[${i + 1}/${pkgs.length}] ${p.name}: ${ps.javaFiles} .java (${ps.keptFiles} kept), ${ps.pairs} pairs, ${ps.seconds.toFixed(1)} s${error ? `; unpack: ${error}` : ''}`);
  }
  shards.close();
  fs.closeSync(pairFds.train);
  fs.closeSync(pairFds.valid);
  stats.totals.shards = shards.count;
  stats.totals.seconds = (Date.now() - t0) / 1000;
  stats.totals.complete = true;
  writeJson(path.join(out, 'stats.json'), stats);
  fs.writeFileSync(path.join(out, 'mine-report.json'), JSON.stringify(total, null, 2) + '\n');
  return stats;
}

function writeJson(file: string, obj: unknown): void {
  fs.writeFileSync(file + '.tmp', JSON.stringify(obj, null, 2) + '\n');
  fs.renameSync(file + '.tmp', file);
}

function addTotals(stats: CorpusStats, ps: PackageStats): void {
  const t = stats.totals;
  if (ps.javaFiles > 0) t.packagesWithJava++;
  t.javaFiles += ps.javaFiles;
  t.javaBytes += ps.javaBytes;
  t.keptFiles += ps.keptFiles;
  t.keptBytes += ps.keptBytes;
  t.duplicateFiles.exact += ps.duplicates.exact;
  t.duplicateFiles.normalised += ps.duplicates.normalised;
  t.duplicateFiles.near += ps.duplicates.near;
  if (t.tokens !== undefined) t.tokens += ps.tokens ?? 0;
  t.pairs += ps.pairs;
  if (ps.split === 'valid') t.validPairs += ps.pairs;
  else t.trainPairs += ps.pairs;
}

/** The corpus report keeps counts and the skips' reasons, with paths prefixed by the package. */
function compactReport(r: MineReport): MineReport {
  return { ...r, skips: r.skips.map((s) => ({ ...s, test_path: `${r.repository}/${s.test_path}` })) };
}
