// Fault soak (run by scripts/bench.mjs, `npm run bench -- --only faults`; prints one JSON array on its
// last stdout line). The long form of test/faults/, with the counts of issue 19:
// - the sidecar's host SIGKILLed 100× at random phases (starting, loading, idle, generating) → orphans;
// - 1,000 fuzzed Java inputs up to 5 MB through listMethods + buildContext → crashes, runs over 2 s;
// - 100 hostile model/adapter folders loaded → hangs, peak memory;
// - 100 stray-output injections on the sidecar's stdout → hung requests;
// - 500 insertions into UTF-8/BOM/Latin-1/UTF-16 files with LF/CRLF and tabs → changed bytes.
// Env: BENCH_QUICK=1 for a tenth of each count; FAULTS_PARTS=orphans,fuzz,hostile,stray,insertions for some.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SidecarClient, type SidecarLaunch } from '../../src/sidecar/client';
import { RequestTimeoutError } from '../../src/sidecar/deadlines';
import { rng } from '../../src/util/rng';
import { makeTinyModel } from '../../test/sidecar/helpers/tiny-model';
import { bundleSidecar, killHostTrial, type KillPhase } from '../../test/faults/helpers/orphan';
import { analyse, fuzzJava } from '../../test/faults/helpers/fuzz-java';
import { HOSTILE_CASES, loadInChild, makeHostileFolder } from '../../test/faults/helpers/hostile-model';
import { STRAY_MODES, strayLaunch } from '../../test/faults/helpers/stray';
import { encodedCase, insertOnce, isSubsequence, makeProject } from '../../test/faults/helpers/encoded-files';
import type { BenchResult } from './_common';

const quick = process.env.BENCH_QUICK === '1';
const count = (n: number) => (quick ? Math.ceil(n / 10) : n);
const log = (s: string) => process.stderr.write(`[faults] ${s}\n`);
const root = path.resolve(__dirname, '../..');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'testtune-bench-faults-'));
const results: BenchResult[] = [];
const add = (name: string, value: number, unit: string) => results.push({ name, value, unit, anchor: null, anchor_value: null, ratio: null });

async function orphans(launch: SidecarLaunch): Promise<void> {
  const n = count(100);
  const phases: KillPhase[] = ['spawned', 'loading', 'initialized', 'generating'];
  const random = rng(19);
  let orphaned = 0; // still running 3 s after the host died
  let overOne = 0; // gone, but later than 1 s
  const worst = new Map<KillPhase, number>();
  for (let i = 0; i < n; i++) {
    const phase = phases[i % phases.length];
    const t = await killHostTrial({ launch, modelDir: path.join(root, 'models/default'), phase, delayMs: Math.floor(random() * 300) });
    if (t.goneAfterMs === null) orphaned++;
    else if (t.goneAfterMs > 1000) {
      overOne++;
      log(`trial ${i} (${phase}): the sidecar exited ${t.goneAfterMs.toFixed(0)} ms after its host`);
    }
    worst.set(phase, Math.max(worst.get(phase) ?? 0, t.goneAfterMs ?? Infinity));
    if ((i + 1) % 10 === 0) log(`host kills: ${i + 1}/${n}, orphans ${orphaned}, exits over 1 s ${overOne}`);
  }
  add(`host killed ${n}x: sidecars still running 3 s later (orphans)`, orphaned, 'count');
  add('host killed: sidecars that exited, but over 1 s after the host', overOne, 'count');
  for (const [phase, ms] of worst) add(`host killed while ${phase}: slowest sidecar exit`, ms, 'ms');
}

async function fuzz(): Promise<void> {
  const n = count(1000);
  let crashes = 0;
  let over = 0;
  let worst = 0;
  let refused = 0;
  let biggest = 0;
  for (let i = 0; i < n; i++) {
    const random = rng(5000 + i);
    // Mostly everyday sizes; every 20th input at full scale (up to 5 MB).
    const { kind, text } = fuzzJava(random, i, i % 20 === 0 ? 1 : 0.1);
    const r = await analyse(kind, text, Math.floor(random() * 100));
    biggest = Math.max(biggest, text.length);
    if (r.crashed) {
      crashes++;
      log(`crash on ${kind} #${i}: ${r.crashed.split('\n')[0]}`);
    }
    const ms = Math.max(r.listMs, r.contextMs);
    if (ms > 2000) {
      over++;
      log(`over 2 s: ${kind} #${i} (${text.length} chars): list ${r.listMs.toFixed(0)} ms, context ${r.contextMs.toFixed(0)} ms`);
    }
    worst = Math.max(worst, ms);
    if (r.refused) refused++;
    if ((i + 1) % 100 === 0) log(`fuzz: ${i + 1}/${n}, crashes ${crashes}, over 2 s ${over}, slowest ${worst.toFixed(0)} ms`);
  }
  add(`fuzzed Java inputs (${n}, up to ${(biggest / 1e6).toFixed(1)} M chars): crashes`, crashes, 'count');
  add('fuzzed Java inputs: analyses over 2 s', over, 'count');
  add('fuzzed Java inputs: slowest analysis (listMethods or buildContext)', worst, 'ms');
  add('fuzzed Java inputs: refused with a message', refused, 'count');
}

async function hostile(): Promise<void> {
  const n = count(100);
  const dirs = Array.from({ length: n }, (_, i) => makeHostileFolder(path.join(tmp, 'hostile', String(i)), HOSTILE_CASES[i % HOSTILE_CASES.length]));
  const trials = await loadInChild(dirs);
  let hangs = 0;
  let wrong = 0;
  for (const [i, t] of trials.entries()) {
    const c = HOSTILE_CASES[i % HOSTILE_CASES.length];
    if (t.outcome === 'hung') hangs++;
    else if (!c.expect.test(t.message) || t.outcome !== (c.level === 'model' ? 'rejected' : 'loaded')) {
      wrong++;
      log(`unexpected for ${c.name}: ${t.outcome}: ${t.message.slice(0, 200)}`);
    }
  }
  add(`hostile model/adapter folders (${n}): hangs`, hangs, 'count');
  add('hostile folders: loads without the expected message', wrong, 'count');
  add('hostile folders: peak memory of the loading process', Math.max(...trials.map((t) => t.maxRssMB).filter(Number.isFinite)), 'MB');
  add('hostile folders: slowest load', Math.max(...trials.map((t) => t.ms)), 'ms');
}

async function stray(launch: SidecarLaunch): Promise<void> {
  const n = count(100);
  const modelDir = makeTinyModel(path.join(tmp, 'tiny')).dir;
  const deadline = 3000;
  let hung = 0;
  let recovered = 0;
  let timedOut = 0;
  const perMode = Math.ceil(n / STRAY_MODES.length);
  for (const mode of STRAY_MODES) {
    const c = new SidecarClient({ launch: strayLaunch(launch, mode), initialize: { modelDir, provider: 'cpu' }, deadlineMs: (m) => (m === 'generate' ? deadline : 60_000) });
    await c.start();
    for (let i = 0; i < perMode; i++) {
      const t0 = performance.now();
      let settled = false;
      const done = c.generate({ context: `class A${i} { int f() { return ${i}; } }`, maxNewTokens: 24 }).then(
        () => void recovered++,
        (e) => void (e instanceof RequestTimeoutError ? timedOut++ : log(`${mode}: ${e.message}`)),
      ).finally(() => (settled = true));
      await Promise.race([done, new Promise((r) => setTimeout(r, deadline + 5000))]);
      if (!settled) hung++;
      if (performance.now() - t0 > deadline + 5000) log(`${mode}: request ${i} unsettled`);
    }
    await c.dispose();
    log(`stray output ${mode}: done`);
  }
  add(`stray-output injections (${perMode * STRAY_MODES.length}): hung requests`, hung, 'count');
  add('stray-output injections: responses recovered', recovered, 'count');
  add('stray-output injections: failed at their deadline (response torn)', timedOut, 'count');
}

async function insertions(): Promise<void> {
  const n = count(500);
  let changed = 0;
  let refused = 0;
  for (let i = 0; i < n; i++) {
    const random = rng(9000 + i);
    const c = encodedCase(i, random);
    const dir = path.join(tmp, 'enc', String(i));
    const { focal, test, before } = makeProject(dir, c, random);
    const r = await insertOnce(dir, focal, test);
    if (r.error) {
      refused++;
      log(`insertion ${i} (${JSON.stringify(c)}) refused: ${r.error}`);
      continue;
    }
    const after = fs.readFileSync(test);
    if (!isSubsequence(before, after) || after.length <= before.length) changed++;
    fs.rmSync(dir, { recursive: true, force: true });
  }
  add(`insertions (${n}; UTF-8, BOM, Latin-1, UTF-16; LF/CRLF; tabs): files with changed bytes outside the insertion`, changed, 'count');
  add('insertions: refused', refused, 'count');
}

async function main(): Promise<void> {
  const launch = await bundleSidecar(path.join(tmp, 'dist'));
  const t0 = performance.now();
  // FAULTS_PARTS=orphans,fuzz,… runs only those parts (default: all).
  const parts = process.env.FAULTS_PARTS?.split(',');
  for (const [name, fn] of [
    ['orphans', () => orphans(launch)],
    ['fuzz', fuzz],
    ['hostile', hostile],
    ['stray', () => stray(launch)],
    ['insertions', insertions],
  ] as const) {
    if (parts && !parts.includes(name)) continue;
    const t = performance.now();
    await fn();
    log(`${name} took ${((performance.now() - t) / 1000).toFixed(0)} s`);
  }
  log(`all took ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  fs.rmSync(tmp, { recursive: true, force: true });
  console.log(JSON.stringify(results));
}

main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? e.stack : e}\n`);
  process.exit(1);
});
