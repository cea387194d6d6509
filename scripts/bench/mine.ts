// Miner benchmark (run by scripts/bench.mjs; prints one JSON array on its last stdout line).
// Target: mining a 1,000-file repository in under 30 s on this machine.
// (1) a synthetic 1,000-file repository made of copies of the labelled fixture repositories (always);
// (2) a real one when the corpus cache has it: Debian's libhibernate-validator-java 5.3.6 (1,167 .java
//     files), unpacked from /work/data/corpus-cache (env BENCH_CORPUS_CACHE overrides), or any folder in
//     BENCH_MINE_REPO.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { listJavaFiles, mineRepo } from '../../src/data/miner';
import type { BenchResult } from './_common';

type Result = BenchResult;

const TARGET_S = 30;
const log = (s: string) => process.stderr.write(`[mine] ${s}\n`);
const root = path.resolve(__dirname, '../..');

function syntheticRepo(files: number): string {
  const dir = path.join(os.tmpdir(), `testtune-bench-mine-${files}`);
  if (fs.existsSync(path.join(dir, '.ready'))) return dir;
  fs.rmSync(dir, { recursive: true, force: true });
  const fixtures = path.join(root, 'test/fixtures/mining');
  const repos = fs.readdirSync(fixtures).filter((d) => fs.statSync(path.join(fixtures, d)).isDirectory());
  let n = 0;
  for (let copy = 0; n < files; copy++) {
    for (const r of repos) {
      const src = path.join(fixtures, r);
      const count = listJavaFiles(src).length;
      if (n + count > files) continue;
      fs.cpSync(src, path.join(dir, `module${copy}`, r), { recursive: true });
      n += count;
    }
    if (copy > files) break;
  }
  fs.writeFileSync(path.join(dir, '.ready'), '');
  return dir;
}

function realRepo(): string | undefined {
  if (process.env.BENCH_MINE_REPO) return process.env.BENCH_MINE_REPO;
  const cache = process.env.BENCH_CORPUS_CACHE ?? '/work/data/corpus-cache';
  const pkgs = path.join(cache, 'packages');
  if (!fs.existsSync(pkgs)) return undefined;
  const pkg = fs.readdirSync(pkgs).find((d) => d.startsWith('libhibernate-validator-java_5.3.6'));
  if (!pkg) return undefined;
  const tar = fs.readdirSync(path.join(pkgs, pkg)).find((f) => f.includes('.orig.tar.'));
  if (!tar) return undefined;
  const dir = path.join(os.tmpdir(), 'testtune-bench-mine-hibernate-validator');
  if (!fs.existsSync(path.join(dir, '.ready'))) {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    execFileSync('tar', ['-xf', path.join(pkgs, pkg, tar), '-C', dir, '--wildcards', '--no-anchored', '*.java']);
    fs.writeFileSync(path.join(dir, '.ready'), '');
  }
  return dir;
}

async function measure(name: string, dir: string): Promise<Result[]> {
  const files = listJavaFiles(dir).length;
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const r = await mineRepo(dir);
  const s = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  const cpu = (c.user + c.system) / 1e6;
  const load = os.loadavg()[0].toFixed(1);
  log(`${name}: ${files} files, ${r.report.testClasses} test classes, ${r.report.testMethods} test methods → ${r.report.pairs} pairs in ${s.toFixed(2)} s wall, ${cpu.toFixed(2)} s CPU (load ${load})`);
  const label = `mine ${name} (${files} .java files, ${r.report.pairs} pairs)`;
  return [
    { name: `${label}, wall`, value: +s.toFixed(2), unit: 's', anchor: `target ${TARGET_S} s`, anchor_value: TARGET_S, ratio: +(TARGET_S / s).toFixed(2) },
    { name: `${label}, CPU`, value: +cpu.toFixed(2), unit: 's', anchor: `target ${TARGET_S} s`, anchor_value: TARGET_S, ratio: +(TARGET_S / cpu).toFixed(2) },
  ];
}

async function main(): Promise<void> {
  const results: Result[] = [];
  results.push(...(await measure('synthetic repo', syntheticRepo(1000))));
  const real = realRepo();
  if (real) results.push(...(await measure(process.env.BENCH_MINE_REPO ? path.basename(real) : 'libhibernate-validator-java 5.3.6', real)));
  else log('no corpus cache with libhibernate-validator-java: real-repository case skipped (run testtune corpus fetch)');
  console.log(JSON.stringify(results));
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
