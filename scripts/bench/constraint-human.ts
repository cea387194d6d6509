// The symbol constraint against the human tests of the verification benchmark's focal methods
// (scripts/bench/verify-human.json): each human test method's body, fed as the decoder would feed
// generated text (chunks of BENCH_CONSTRAINT_CHUNK characters, default 3), with the scope the pipeline
// builds for that focal method (src/symbols/ over the project, prepareTest). Every human test compiles,
// so every refusal is the constraint refusing code that compiles: the count must be 0, and each one is
// logged with its place. Also the time per checked chunk. Env: BENCH_VERIFY_DATA, BENCH_VERIFY_LIMIT.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { listMethods } from '../../src/java/methods';
import { focalLine } from './_focal-line';
import { SymbolConstraint } from '../../src/java/decoding/symbol-constraint';
import { prepareTest } from '../../src/pipeline/prepare';
import { indexProject } from '../../src/symbols/project-index';
import type { BenchResult } from './_common';

interface Pair { focal_class: string; focal_method: string; focal_path: string; test_class: string; test_case: string; test_path: string }
interface Project { name: string; package: string; version: string; dir: string; pairs: Pair[] }

const log = (s: string) => process.stderr.write(`[constraint-human] ${s}\n`);
const data = process.env.BENCH_VERIFY_DATA ?? '/work/data/verify';
const limit = Number(process.env.BENCH_VERIFY_LIMIT ?? Infinity);
const chunk = Number(process.env.BENCH_CONSTRAINT_CHUNK ?? 3);
const config = JSON.parse(fs.readFileSync(path.join(__dirname, 'verify-human.json'), 'utf8')) as { projects: Project[] };

/** The body of the human test method (after its `{`, with its closing `}`), or undefined. */
async function humanBody(testText: string, name: string): Promise<string | undefined> {
  const m = (await listMethods(testText)).methods.find((x) => x.name === name && x.kind === 'method');
  if (!m) return undefined;
  const text = testText.slice(m.startIndex, m.endIndex);
  const open = text.indexOf('{', text.indexOf(`${name}(`));
  return open < 0 ? undefined : text.slice(open + 1);
}

async function main(): Promise<void> {
  const results: BenchResult[] = [];
  let tests = 0;
  let refusedTests = 0;
  let refusals = 0;
  let chunks = 0;
  let ms = 0;
  for (const p of config.projects) {
    const root = path.join(data, 'src', `${p.package}_${p.version}`, p.dir);
    if (!fs.existsSync(root)) {
      log(`missing ${root}`);
      process.exitCode = 1;
      continue;
    }
    const { index } = await indexProject(root);
    for (const pair of p.pairs.slice(0, limit)) {
      const focalPath = path.join(root, pair.focal_path);
      const text = fs.readFileSync(focalPath, 'utf8');
      const line = await focalLine(text, pair);
      const prep = line === undefined ? undefined : await prepareTest({ focalPath, focalText: text, selector: { line }, projectRoot: root, readFile: (f) => (fs.existsSync(f) ? fs.readFileSync(f, 'utf8') : undefined), symbolIndex: index });
      const testText = fs.readFileSync(path.join(root, pair.test_path), 'utf8');
      const body = await humanBody(testText, pair.test_case);
      if (!prep?.value?.symbols || body === undefined) {
        log(`${p.name}: ${pair.test_class}#${pair.test_case}: ${!body ? 'human test not found' : 'no scope'}`);
        continue;
      }
      tests++;
      const pieces: string[] = [];
      for (let i = 0; i < body.length; i += chunk) pieces.push(body.slice(i, i + chunk));
      const vocab = [...new Set(pieces)];
      const ids = new Map(vocab.map((t, i) => [t, i]));
      const loc = prep.value.location; // the test class, as the pipeline names it (its fixtures' types)
      const testClass = loc.packageName ? `${loc.packageName}.${loc.testClassName}` : loc.testClassName;
      const c = new SymbolConstraint({ scope: prep.value.symbols, testClass }, { tokenText: (id) => vocab[id] });
      let here = 0;
      let refusedHere = 0;
      for (let i = 0; i < pieces.length; i++) {
        const id = ids.get(pieces[i])!;
        const t0 = performance.now();
        const accepted = c.accepts(id);
        c.observe(id);
        ms += performance.now() - t0;
        chunks++;
        if (!accepted) {
          refusedHere++;
          const at = here;
          log(`${p.name}: ${pair.test_class}#${pair.test_case}: refused ${JSON.stringify(pieces[i])} after ${JSON.stringify(body.slice(Math.max(0, at - 80), at))}`);
        }
        here += pieces[i].length;
      }
      refusals += refusedHere;
      if (refusedHere) refusedTests++;
    }
  }
  const add = (name: string, value: number, unit: string) => results.push({ name, value, unit, anchor: null, anchor_value: null, ratio: null });
  add('human tests fed', tests, 'tests');
  add('human tests with a refusal (must be 0)', refusedTests, 'tests');
  add('refused chunks (must be 0)', refusals, 'chunks');
  add('constraint µs per chunk (accepts + observe)', chunks ? (ms * 1000) / chunks : 0, 'µs');
  console.log(JSON.stringify(results));
}

main().catch((e) => {
  log(String(e?.stack ?? e));
  console.log('[]');
  process.exitCode = 1;
});
