// Generated half of the verification benchmark (`npm run bench -- --only verify-human,verify`): for the
// focal methods of scripts/bench/verify-human.json (real projects from the corpus's valid packages, never
// trained on), the product's whole generation path — src/pipeline with the shipped model, its default
// adapter and the product's decoding, candidates verified and repaired (src/pipeline/verify-stage.ts) —
// and per project and in total: share of focal methods that got a test that compiles / passes / passes
// and executes the focal method, mean focal line coverage, p50/p90 seconds per method (generation +
// verification, the model loaded once). The human tests of the same methods are the control
// (verify-human.ts, same harness). Env: BENCH_VERIFY_DATA (sources, default /work/data/verify),
// BENCH_VERIFY_CANDIDATES / BENCH_VERIFY_ROUNDS (default: the settings'), BENCH_VERIFY_LIMIT (methods
// per project), BENCH_VERIFY_GEN_OUT (one JSON line per method, with each attempt's javac "symbol:" lines),
// BENCH_VERIFY_REDECODE=0 (repair rounds without the re-decode of a rejected statement),
// BENCH_VERIFY_FOCAL_CALL=0 (the product's decoding without the focal-call rule),
// BENCH_VERIFY_PROMPT_PARAM_CTORS=1 (the prompt experiment of src/pipeline/parameter-constructors.ts),
// BENCH_VERIFY_SYMBOLS (on | off: the symbol constraint, default the setting's). Also tallied, from
// javac's output for the greedy candidate as generated (candidate 0, round 0: before any repair), the
// errors the symbol constraint is about — "cannot find symbol", wrong arity ("cannot be applied to", "no
// suitable constructor/method" whose argument lists differ in length), "already defined" — and the
// greedy generation's decoding time per new token.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DEFAULT_SETTINGS } from '../../src/config/settings';
import { defaultM2Repo } from '../../src/project/repository';
import { focalLine } from './_focal-line';
import { defaultAdapterOf } from '../../src/model/adapters';
import { loadJavaEngine } from '../../src/generation/java-engine';
import { decodingParams } from '../../src/pipeline/decoding';
import { engineGenerator } from '../../src/pipeline/generator';
import { runPipeline } from '../../src/pipeline/pipeline';
import { prepareTest } from '../../src/pipeline/prepare';
import { indexProject } from '../../src/symbols/project-index';
import { declareThrows, prepareVerifier, verifyPlaced, type Verifier } from '../../src/pipeline/verify-stage';
import { placeMethod } from '../../src/pipeline/place';
import type { PreparedTest } from '../../src/pipeline/prepare';
import type { BenchResult } from './_common';

interface Pair { focal_class: string; focal_method: string; focal_path: string; test_class: string; test_case: string; test_path: string }
interface Project { name: string; package: string; version: string; dir: string; extraM2Jars: string[]; pairs: Pair[] }
interface Row { compiledAsGenerated?: boolean; compiled: boolean; passed: boolean; callsFocal: boolean; cov: number; s: number; errors?: ErrorTally; genMs?: number; genTokens?: number }
interface ErrorTally { cannotFindSymbol: number; arity: number; alreadyDefined: number; all: number }

/**
 * javac's output for a greedy candidate the candidate rules rejected before compiling it (it does not
 * call the focal method, or asserts nothing that can be observed): compiled anyway, so that the error
 * tally and the compile share "as generated" cover every method.
 */
async function compileRejected(prepared: PreparedTest, method: string, verifier: Verifier): Promise<{ status: string; log: string } | undefined> {
  const placed = await placeMethod(prepared, declareThrows(method), prepared.testText);
  if (!placed.value) return undefined;
  const r = await verifyPlaced(verifier, prepared, placed.value);
  return { status: r.status, log: r.log };
}

/**
 * javac's errors of one compilation, by the kinds the symbol constraint is about. An error is its line
 * and the lines after it up to the next error; "cannot be applied to" and "no suitable constructor/method"
 * count as wrong arity only when javac's reason says the argument lists differ in length (otherwise they
 * are argument types, which the constraint does not know).
 */
export function tallyJavacErrors(log: string): ErrorTally {
  const blocks: string[] = [];
  for (const line of log.split('\n')) {
    if (/\berror: /.test(line)) blocks.push(line);
    else if (blocks.length) blocks[blocks.length - 1] += `\n${line}`;
  }
  const count = (re: RegExp) => blocks.filter((b) => re.test(b)).length;
  return {
    cannotFindSymbol: count(/error: cannot find symbol/),
    arity: blocks.filter((b) => /cannot be applied to|no suitable (constructor|method) found/.test(b) && /differ in length/.test(b)).length,
    alreadyDefined: count(/is already defined in/),
    all: blocks.length,
  };
}

const log = (s: string) => process.stderr.write(`[verify] ${s}\n`);
const ROOT = path.resolve(__dirname, '..', '..');
const data = process.env.BENCH_VERIFY_DATA ?? '/work/data/verify';
const candidates = Number(process.env.BENCH_VERIFY_CANDIDATES ?? DEFAULT_SETTINGS.verifyCandidates);
const rounds = Number(process.env.BENCH_VERIFY_ROUNDS ?? DEFAULT_SETTINGS.verifyRepairRounds);
const limit = Number(process.env.BENCH_VERIFY_LIMIT ?? Infinity);
const symbolConstraint = process.env.BENCH_VERIFY_SYMBOLS === undefined ? DEFAULT_SETTINGS.symbolConstraint : process.env.BENCH_VERIFY_SYMBOLS === 'on';
const outFile = process.env.BENCH_VERIFY_GEN_OUT ?? path.join(data, 'generated-results.jsonl');
const cacheDir = process.env.BENCH_VERIFY_CACHE ?? path.join(os.tmpdir(), `testtune-verify-bench-gen-${process.getuid?.() ?? 'user'}`);
const config = JSON.parse(fs.readFileSync(path.join(__dirname, 'verify-human.json'), 'utf8')) as { projects: Project[] };

/** javac's "symbol:" lines of an attempt that does not compile ("class Foo", "method bar(int)"): what the test named that does not exist. */
function missingSymbols(a: { status: string; log: string }): string[] {
  return a.status === 'does-not-compile' ? [...a.log.matchAll(/^\s*symbol:\s+(.+?)\s*$/gm)].map((m) => m[1]) : [];
}

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))] : 0;
}

async function main(): Promise<void> {
  const modelDir = path.join(ROOT, 'models', 'default');
  const engine = await loadJavaEngine(modelDir, { provider: 'cpu', defer: true });
  const adapterDir = defaultAdapterOf(modelDir).dir;
  const adapter = adapterDir ? (await engine.loadAdapter(adapterDir)).name : null;
  log(`model ${modelDir}, adapter ${adapter ?? 'none'}, product decoding, symbol constraint ${symbolConstraint ? 'on' : 'off'}, ${candidates} candidates, ${rounds} repair rounds`);
  const generator = engineGenerator(engine);
  const results: BenchResult[] = [];
  const all: Row[] = [];
  fs.mkdirSync(path.dirname(outFile), { recursive: true });
  fs.writeFileSync(outFile, '');
  try {
    for (const p of config.projects) {
      const root = path.join(data, 'src', `${p.package}_${p.version}`, p.dir);
      if (!fs.existsSync(root)) {
        log(`missing ${root}: run the verify-human module first (it prints the fetch commands)`);
        process.exitCode = 1;
        continue;
      }
      const extra = p.extraM2Jars.map((j) => path.join(defaultM2Repo(), j)).filter((j) => fs.existsSync(j));
      const v = await prepareVerifier(root, { timeoutMs: 30_000, cacheDir, extraClasspath: extra });
      if (!v.verifier) {
        log(`${p.name}: ${v.errors.join('; ')}`);
        process.exitCode = 1;
        continue;
      }
      const { index: symbolIndex, summary: indexed } = await indexProject(root);
      log(`${p.name}: symbol index of ${symbolIndex.stats().types} types in ${(indexed.ms / 1000).toFixed(1)} s`);
      const rows: Row[] = [];
      for (const pair of p.pairs.slice(0, limit)) {
        const t0 = Date.now();
        const focalPath = path.join(root, pair.focal_path);
        const text = fs.readFileSync(focalPath, 'utf8');
        const line = await focalLine(text, pair);
        const prep = line === undefined ? undefined : await prepareTest({ focalPath, focalText: text, selector: { line }, projectRoot: root, readFile: (f) => (fs.existsSync(f) ? fs.readFileSync(f, 'utf8') : undefined), parameterConstructors: process.env.BENCH_VERIFY_PROMPT_PARAM_CTORS === '1', symbolIndex });
        if (!prep?.value) {
          log(`${p.name}: ${pair.focal_class}#${pair.focal_method}: ${prep?.errors.join('; ') ?? 'focal method not found'}; counted as no test`);
          rows.push({ compiled: false, passed: false, callsFocal: false, cov: 0, s: (Date.now() - t0) / 1000 });
          continue;
        }
        const run = await runPipeline({ prepared: prep.value, generator, decoding: { ...decodingParams('product'), focalCall: process.env.BENCH_VERIFY_FOCAL_CALL !== '0', symbolConstraint }, adapter, candidates, verify: { verifier: v.verifier, rounds, redecode: process.env.BENCH_VERIFY_REDECODE !== '0' }, place: false });
        const b = run.best;
        const first = run.attempts.find((a) => a.candidate === 0 && a.round === 0);
        const greedy = run.candidates[0]?.result;
        const greedyMethod = run.candidates[0]?.method;
        const asGenerated = first && first.status !== 'rejected' ? { status: first.status, log: first.log } : greedyMethod ? await compileRejected(prep.value, greedyMethod, v.verifier) : undefined;
        const row: Row = {
          compiled: !!b && b.status !== 'does-not-compile' && b.status !== 'rejected',
          passed: b?.status === 'passes',
          callsFocal: b?.status === 'passes' && b.callsFocal,
          cov: b?.status === 'passes' && b.focalLines.total ? b.focalLines.covered / b.focalLines.total : 0,
          s: (Date.now() - t0) / 1000,
          errors: asGenerated ? tallyJavacErrors(asGenerated.log) : undefined,
          compiledAsGenerated: !!asGenerated && asGenerated.status !== 'does-not-compile' && !(asGenerated.status === 'error' && asGenerated.log === ''),
          genMs: greedy?.ms,
          genTokens: greedy?.newTokens,
        };
        rows.push(row);
        fs.appendFileSync(outFile, JSON.stringify({ project: p.name, focal: `${pair.focal_class}#${pair.focal_method}`, status: b?.status ?? 'none', callsFocal: b?.callsFocal ?? false, focalLines: b?.focalLines, seconds: row.s, test: b?.test, symbolConstraint, scopeTypes: prep.value.symbols ? Object.keys(prep.value.symbols.types).length : 0, greedyMs: row.genMs, greedyTokens: row.genTokens, firstStatus: first?.status, asGeneratedStatus: asGenerated?.status, firstErrors: row.errors, firstLog: asGenerated?.log.slice(0, 4000), attempts: run.attempts.map((a) => ({ candidate: a.candidate, round: a.round, status: a.status, message: a.message, repairs: a.repairs, symbols: missingSymbols(a) })) }) + '\n');
        log(`${p.name}: ${pair.focal_class}#${pair.focal_method} → ${b?.status ?? 'none'}${b?.callsFocal ? ' (focal)' : ''} ${b ? `${b.focalLines.covered}/${b.focalLines.total}` : ''} ${row.s.toFixed(1)} s, ${run.attempts.length} attempts`);
      }
      push(p.name, rows);
      all.push(...rows);
    }
  } finally {
    await engine.dispose();
  }
  push('all', all);
  console.log(JSON.stringify(results));

  function push(name: string, rows: Row[]): void {
    const n = rows.length || 1;
    const share = (f: (r: Row) => boolean) => rows.filter(f).length / n;
    const add = (what: string, value: number, unit: string) => results.push({ name: `${name} generated ${what}`, value, unit, anchor: null, anchor_value: null, ratio: null });
    add('focal methods', rows.length, 'methods');
    add('compile', share((r) => r.compiled), 'share');
    add('greedy as generated compiles (candidate rules aside)', share((r) => !!r.compiledAsGenerated), 'share');
    add('pass', share((r) => r.passed), 'share');
    add('pass + execute focal', share((r) => r.callsFocal), 'share');
    add('mean focal line coverage', rows.reduce((a, r) => a + r.cov, 0) / n, 'share');
    add('p50 seconds per method', quantile(rows.map((r) => r.s), 0.5), 's');
    add('p90 seconds per method', quantile(rows.map((r) => r.s), 0.9), 's');
    const sum = (f: (r: Row) => number) => rows.reduce((a, r) => a + f(r), 0);
    add('greedy as generated: javac "cannot find symbol" errors', sum((r) => r.errors?.cannotFindSymbol ?? 0), 'errors');
    add('greedy as generated: javac wrong-arity errors', sum((r) => r.errors?.arity ?? 0), 'errors');
    add('greedy as generated: javac "already defined" errors', sum((r) => r.errors?.alreadyDefined ?? 0), 'errors');
    add('greedy as generated: javac errors (all)', sum((r) => r.errors?.all ?? 0), 'errors');
    add('greedy as generated: methods with "cannot find symbol"', rows.filter((r) => (r.errors?.cannotFindSymbol ?? 0) > 0).length, 'methods');
    const tokens = sum((r) => r.genTokens ?? 0);
    add('greedy decoding ms per new token', tokens ? sum((r) => r.genMs ?? 0) / tokens : 0, 'ms');
  }
}

main().catch((e) => {
  log(String(e?.stack ?? e));
  console.log('[]');
  process.exitCode = 1;
});
