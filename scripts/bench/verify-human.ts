// Control half of the verification benchmark: the HUMAN tests of real projects from the corpus's
// valid packages (never trained on), each run alone through src/verify (compile in a scratch copy,
// run only that method under JaCoCo and the sandbox). Prints, per project and in total: share that
// compiles, passes, passes and executes the focal method, mean focal line coverage, p50/p90 seconds.
// Projects and chosen (focal method, test) pairs: scripts/bench/verify-human.json. Sources are read
// from $BENCH_VERIFY_DATA (default /work/data/verify)/src/<package>_<version>/<dir>; when missing, the
// module fails and prints the commands that fetch and unpack them. A JSON line per test goes to
// $BENCH_VERIFY_OUT (default <data>/human-results.jsonl) for the analysis in docs/results.md;
// $BENCH_VERIFY_CACHE is the verification cache (a fresh folder measures uncached times).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { listMethods } from '../../src/java/methods';
import { defaultM2Repo } from '../../src/project/repository';
import { compileMainClasses, loadProjectModel } from '../../src/verify/project';
import { verifyCandidate, type FocalMethod } from '../../src/verify/verify';
import type { BenchResult } from './_common';

interface Pair { focal_class: string; focal_method: string; focal_path: string; test_class: string; test_case: string; test_path: string }
interface Project { name: string; package: string; version: string; dir: string; extraM2Jars: string[]; pairs: Pair[] }

const log = (s: string) => process.stderr.write(`[verify-human] ${s}\n`);
const data = process.env.BENCH_VERIFY_DATA ?? '/work/data/verify';
const cacheDir = process.env.BENCH_VERIFY_CACHE ?? path.join(os.tmpdir(), `testtune-verify-bench-${process.getuid?.() ?? 'user'}`);
const outFile = process.env.BENCH_VERIFY_OUT ?? path.join(data, 'human-results.jsonl');
const config = JSON.parse(fs.readFileSync(process.env.BENCH_VERIFY_CONFIG ?? path.join(__dirname, 'verify-human.json'), 'utf8')) as { projects: Project[] };
// BENCH_VERIFY_ONLY=name,name and BENCH_VERIFY_LIMIT=n narrow a run (a quick look; the table uses neither).
const onlyProjects = process.env.BENCH_VERIFY_ONLY?.split(',');
const limit = Number(process.env.BENCH_VERIFY_LIMIT) || Infinity;

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))] : 0;
}

/** The focal method's 0-based lines and parameter types, from its source ("name(T1, T2)"). */
async function focalOf(root: string, pair: Pair): Promise<FocalMethod | undefined> {
  const src = fs.readFileSync(path.join(root, pair.focal_path), 'utf8');
  const m = /^([\w$]+)\((.*)\)$/.exec(pair.focal_method);
  if (!m) return undefined;
  const wanted = m[2].split(',').map((t) => t.trim()).filter(Boolean);
  const simple = pair.focal_class.split('.').pop()!;
  const found = (await listMethods(src)).methods.find(
    (x) => x.name === m[1] && x.enclosingType.split('.').pop() === simple && x.parameterTypes.length === wanted.length && x.parameterTypes.every((t, i) => t.replace(/\s+/g, '') === wanted[i].replace(/\s+/g, '')),
  );
  if (!found) return undefined;
  return { className: pair.focal_class, methodName: m[1], parameterTypes: found.parameterTypes, startLine: found.startLine, endLine: found.endLine };
}

async function main(): Promise<void> {
  const results: BenchResult[] = [];
  const all: { compiled: boolean; passed: boolean; callsFocal: boolean; cov: number; s: number; skipped?: boolean }[] = [];
  fs.mkdirSync(path.dirname(outFile), { recursive: true });
  fs.writeFileSync(outFile, '');
  for (const p of config.projects.filter((x) => !onlyProjects || onlyProjects.includes(x.name))) {
    const root = path.join(data, 'src', `${p.package}_${p.version}`, p.dir);
    if (!fs.existsSync(root)) {
      log(`missing ${root}; fetch and unpack it with:`);
      log(`  printf '${p.package}\\n' > /tmp/pkgs.txt && node dist/cli.js corpus fetch --dir ${data}/cache --packages /tmp/pkgs.txt`);
      log(`  mkdir -p ${data}/src/${p.package}_${p.version} && for t in ${data}/cache/packages/${p.package}_${p.version}/*.orig.tar.*; do tar -xf "$t" -C ${data}/src/${p.package}_${p.version}; done`);
      process.exitCode = 1;
      continue;
    }
    const model = loadProjectModel(root);
    model.testClasspath.push(...p.extraM2Jars.map((j) => path.join(defaultM2Repo(), j)).filter((j) => fs.existsSync(j)));
    if (model.unresolved.length) log(`${p.name}: unresolved ${model.unresolved.map((u) => u.coordinate).join(', ')}`);
    const t0 = Date.now();
    const main = await compileMainClasses(model, { cacheDir, release: 11 }); // JaCoCo 0.8.6 instruments up to Java 16
    if (!main.classesDir) {
      log(`${p.name}: main classes do not compile: ${main.errors.slice(0, 3).join(' | ')}`);
      process.exitCode = 1;
      continue;
    }
    log(`${p.name}: main classes in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    const rows: typeof all = [];
    for (const pair of p.pairs.slice(0, limit)) {
      const focal = await focalOf(root, pair);
      const testFile = path.join(root, pair.test_path);
      if (!focal || !fs.existsSync(testFile)) {
        log(`${p.name}: ${pair.focal_class}#${pair.focal_method}: focal method or test file not found, counted as not compiling`);
        rows.push({ compiled: false, passed: false, callsFocal: false, cov: 0, s: 0 });
        continue;
      }
      // The test method runs alone (--select-method); its class is the project's own file, unchanged.
      const r = await verifyCandidate({ project: model, mainClassesDir: main.classesDir, testFile, testClassText: fs.readFileSync(testFile, 'utf8'), testMethodName: pair.test_case, focal, timeoutMs: 30_000, cacheDir });
      const row = { skipped: r.status === 'compiles' && /skipped/.test(r.message ?? ''), compiled: r.status !== 'does-not-compile', passed: r.status === 'passes', callsFocal: r.status === 'passes' && r.callsFocal, cov: r.focalLines.total ? r.focalLines.covered / r.focalLines.total : 0, s: r.seconds };
      rows.push(row);
      fs.appendFileSync(outFile, JSON.stringify({ project: p.name, ...pair, status: r.status, callsFocal: r.callsFocal, focalLines: r.focalLines, focalBranches: r.focalBranches, seconds: r.seconds, cached: r.cached ?? false, message: r.message, compileErrors: r.compileErrors.slice(0, 3), failure: r.failure && { ...r.failure, stack: r.failure.stack?.split('\n').slice(0, 6).join('\n') } }) + '\n');
      log(`${p.name}: ${pair.test_class}#${pair.test_case} → ${r.status}${r.callsFocal ? ' (focal)' : ''} ${r.focalLines.covered}/${r.focalLines.total} ${r.seconds.toFixed(1)} s${r.message ? ` — ${r.message.slice(0, 120)}` : ''}`);
    }
    push(p.name, rows);
    all.push(...rows);
  }
  push('all', all);
  console.log(JSON.stringify(results));

  // A test the project itself skips (@Disabled/@Ignore, a failed assumption) is not part of the control.
  function push(name: string, allRows: typeof all): void {
    const rows = allRows.filter((r) => !r.skipped);
    const n = rows.length || 1;
    const share = (f: (r: (typeof all)[number]) => boolean) => rows.filter(f).length / n;
    const add = (what: string, value: number, unit: string) => results.push({ name: `${name} ${what}`, value, unit, anchor: null, anchor_value: null, ratio: null });
    add('human tests', rows.length, 'tests');
    add('skipped by the project (left out)', allRows.length - rows.length, 'tests');
    add('compile', share((r) => r.compiled), 'share');
    add('pass', share((r) => r.passed), 'share');
    add('pass + execute focal', share((r) => r.callsFocal), 'share');
    add('mean focal line coverage', rows.reduce((a, r) => a + r.cov, 0) / n, 'share');
    add('p50 seconds', quantile(rows.map((r) => r.s), 0.5), 's');
    add('p90 seconds', quantile(rows.map((r) => r.s), 0.9), 's');
  }
}

main().catch((e) => {
  log(String(e?.stack ?? e));
  console.log('[]');
  process.exitCode = 1;
});
