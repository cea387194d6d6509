// `testtune finetune` end to end on a tiny fixture repository: mine 12 pairs from 6 test classes, hold
// out whole test classes, train a LoRA adapter for one step on a scripted tiny model, and judge base vs
// adapter by generating, compiling and running tests (real javac, JUnit console launcher, JaCoCo). The
// scripted model zeroes attention outputs, so a LoRA on q/v cannot change what it writes: both sides
// write the same passing test, and the gate must call that a tie (not better). Also: the clear refusals
// (no tests, too few pairs, an existing --out) and no hidden half-written adapter left behind.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { command } from '../../src/cli/commands/finetune';
import { finetune, FinetuneError } from '../../src/finetune/finetune';
import { writeRepo } from '../helpers/q-repo';
import { runCli } from '../helpers/capture-cli';
import { chain, makeScriptedModel } from './helpers/tiny-model';

const run = (argv: string[]) => runCli(command, argv);

describe('testtune finetune (scripted tiny model, real javac + JUnit + JaCoCo)', function () {
  this.timeout(120_000);
  let tmp: string;
  let model: string;
  const saved = process.env.XDG_CACHE_HOME;
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tt-finetune-'));
    process.env.XDG_CACHE_HOME = path.join(tmp, 'cache'); // verification caches stay in the test's folder
    model = path.join(tmp, 'model');
    // after the prompt's "{\n" the model writes "int y=Q.f(3);}": it calls the focal method f
    makeScriptedModel(model, chain('\nint y=Q.f(3);}'), { config: { maxPositions: 2048 } });
  });
  after(() => {
    if (saved === undefined) delete process.env.XDG_CACHE_HOME;
    else process.env.XDG_CACHE_HOME = saved;
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('trains, judges both sides by running their tests, calls a tie not better, and writes the adapter with judgement.json', async () => {
    const repo = path.join(tmp, 'repo');
    writeRepo(repo, 6);
    const out = path.join(tmp, 'adapters', 'mine');
    const t0 = Date.now();
    const r = await run([repo, '--method', 'lora', '--out', out, '--model', model, '--max-steps', '1', '--heldout-share', '0.3', '--candidates', '1', '--rounds', '1', '--with-sources', '--json']);
    assert.equal(r.code, 0, r.err);
    const j = JSON.parse(r.out);
    assert.deepEqual(j.pairs, { total: 12, train: 8, heldOut: 4 });
    assert.equal(j.heldOutTestClasses.length, 2);
    assert.equal(j.trainSteps, 1);
    for (const side of [j.base, j.adapter]) {
      // each held-out Q.f gets "int y=Q.f(3);", observed and repaired into a passing assertion
      assert.deepEqual(side, { n: 2, compiles: 1, passes: 1, passesCallingFocal: 1, focalLineCoverage: 1 }, JSON.stringify(j));
    }
    assert.equal(j.difference, 0);
    assert.deepEqual([j.interval.low, j.interval.high], [0, 0]);
    assert.equal(j.better, false);
    assert.equal(j.methods.length, 2);
    for (const m of j.methods) assert.deepEqual([m.base.candidate, m.adapter.candidate], [0, 0]); // the model's own (greedy) test
    assert.match(j.notes[0], /small repository: 12 pairs/);
    // --with-sources: the 6 main Q.java files (never the QTest files) became language-model documents
    assert.equal(j.withSources, true);
    assert.equal(j.sourceChunks.documents, 6);
    // a small repository holds out a validation slice of the training part for early stopping
    assert.ok(j.validation.pairs > 0 && j.validation.testClasses > 0, JSON.stringify(j.validation));
    assert.equal(j.validation.curve.length, 1); // one step: evaluated once, at the end
    assert.equal(j.validation.bestStep, 1);
    assert.ok(j.seconds > 0 && j.seconds <= (Date.now() - t0) / 1000 + 1);
    for (const f of ['adapter_config.json', 'adapter_model.safetensors', 'training_report.json', 'judgement.json']) assert.ok(fs.existsSync(path.join(out, f)), f);
    assert.deepEqual(JSON.parse(fs.readFileSync(path.join(out, 'judgement.json'), 'utf8')).base, j.base);
    assert.deepEqual(fs.readdirSync(path.dirname(out)), ['mine']); // no hidden .mine.partial left

    // an existing adapter is never overwritten
    const again = await run([repo, '--method', 'lora', '--out', out, '--model', model, '--max-steps', '1']);
    assert.equal(again.code, 1);
    assert.match(again.err, /already exists and is not an empty folder/);
  });

  /** A fresh 6-package fixture repository `name`, fine-tuned into adapters-<name>/<name> with one step, 1 candidate, 1 round. */
  const finetuneFixture = async (name: string, args: string[]) => {
    const repo = path.join(tmp, `repo-${name}`);
    writeRepo(repo, 6);
    const out = path.join(tmp, `adapters-${name}`, name);
    const r = await run([repo, '--out', out, '--model', model, '--max-steps', '1', '--candidates', '1', '--rounds', '1', '--json', ...args]);
    assert.equal(r.code, 0, r.err);
    return { repo, out, r, j: JSON.parse(r.out) };
  };

  it('--folds 3: judges every focal method with an adapter that never saw its tests, then writes the adapter trained on all pairs', async () => {
    const { repo, out, r, j } = await finetuneFixture('cv', ['--method', 'lora', '--folds', '3']);
    assert.equal(j.folds.length, 3);
    const byFold = j.folds.map((f: { testClasses: string[]; pairs: number; focalMethods: number; trainPairs: number; trainSteps: number }) => [f.testClasses.length, f.pairs, f.focalMethods, f.trainPairs, f.trainSteps]);
    assert.deepEqual(byFold, [[2, 4, 2, 8, 1], [2, 4, 2, 8, 1], [2, 4, 2, 8, 1]], JSON.stringify(j.folds));
    // no test class in two folds
    assert.equal(new Set(j.folds.flatMap((f: { testClasses: string[] }) => f.testClasses)).size, 6);
    assert.equal(j.heldOutFocalMethods, 6);
    assert.equal(j.methods.length, 6);
    for (const side of [j.base, j.adapter]) assert.deepEqual(side, { n: 6, compiles: 1, passes: 1, passesCallingFocal: 1, focalLineCoverage: 1 }, JSON.stringify(j));
    for (const m of j.methods) for (const side of [m.base, m.adapter]) {
      assert.equal(side.status, 'passes');
      assert.match(side.test, /Q\.f\(3\)/); // the test the user would have been given
    }
    assert.equal(j.better, false);
    assert.ok(j.notes.some((n: string) => /cross-validation: every focal method judged with an adapter trained on the other 2 folds/.test(n)), j.notes.join('; '));
    assert.equal(j.pairs.total, 12);
    assert.ok(fs.existsSync(path.join(out, 'adapter_model.safetensors')));
    assert.deepEqual(fs.readdirSync(path.dirname(out)), ['cv']); // no fold or partial folder left
    assert.match(r.err, /12 pairs in 3 folds by test class: 4 \/ 4 \/ 4 pairs, 6 focal methods/);

    const both = await run([repo, '--method', 'lora', '--out', path.join(tmp, 'x'), '--model', model, '--folds', '3', '--heldout-share', '0.3']);
    assert.equal(both.code, -1);
    assert.match(both.err, /--folds judges every focal method/);
    const one = await run([repo, '--method', 'lora', '--out', path.join(tmp, 'x'), '--model', model, '--folds', '1']);
    assert.match(one.err, /--folds must be at least 2/);
    const unit = await run([repo, '--method', 'lora', '--out', path.join(tmp, 'x'), '--model', model, '--fold-by', 'focal-method']);
    assert.match(unit.err, /--fold-by goes with --folds k/);
    const bad = await run([repo, '--method', 'lora', '--out', path.join(tmp, 'x'), '--model', model, '--folds', '2', '--fold-by', 'class']);
    assert.match(bad.err, /--fold-by must be test-class or focal-method, got 'class'/);
    const targets = await run([repo, '--method', 'lora', '--out', path.join(tmp, 'x'), '--model', model, '--lora-targets', 'q_proj,nope', '--max-steps', '1']);
    assert.equal(targets.code, 1);
    assert.match(targets.err, /loraTargets: unknown modules nope/);
    assert.equal(fs.existsSync(path.join(tmp, 'x')), false);
    assert.deepEqual(fs.readdirSync(tmp).filter((f) => f.startsWith('.x')), []); // no hidden partial folder either
  });

  it('--method full: judges the fully fine-tuned model (its own engine) against the base and writes the model folder', async () => {
    const { out, j } = await finetuneFixture('full', ['--method', 'full', '--heldout-share', '0.3']);
    assert.equal(j.method, 'full');
    assert.equal(j.adapter.n, 2);
    assert.deepEqual(j.adapter, j.base, JSON.stringify(j)); // one step at 5e-5 leaves the scripted model's choices as they were
    for (const f of ['config.json', 'model.safetensors', 'tokenizer.json', 'judgement.json']) assert.ok(fs.existsSync(path.join(out, f)), f);
    assert.deepEqual(fs.readdirSync(path.dirname(out)), ['full']);
  });

  it('cancel while training, while judging, or in a later fold: a clear message, and no adapter, fold or partial folder left', async () => {
    const repo = path.join(tmp, 'repo-cancel');
    writeRepo(repo, 6);
    const cases: [string, (ac: AbortController) => Partial<Parameters<typeof finetune>[0]>, RegExp][] = [
      ['training', (ac) => ({ maxSteps: 3, onTrainProgress: () => ac.abort() }), /training cancelled at step 1 of 3 \(adapter\): no adapter was written/],
      ['judging', (ac) => ({ maxSteps: 1, log: (m) => /^base 1\//.test(m) && ac.abort() }), /cancelled while judging: no adapter was written/],
      ['fold 2', (ac) => ({ maxSteps: 1, folds: 3, log: (m) => /^fold 2\/3 adapter 1\//.test(m) && ac.abort() }), /cancelled while judging: no adapter was written/],
    ];
    for (const [when, hooks, message] of cases) {
      const parent = path.join(tmp, `cancel-${when.replace(/\s/g, '')}`);
      const ac = new AbortController();
      await assert.rejects(
        finetune({ repoDir: repo, modelDir: model, method: 'lora', outDir: path.join(parent, 'a'), heldOutShare: 0.3, candidates: 1, rounds: 1, signal: ac.signal, ...hooks(ac) }),
        (e: Error) => e instanceof FinetuneError && message.test(e.message),
        when,
      );
      assert.deepEqual(fs.existsSync(parent) ? fs.readdirSync(parent) : [], [], `${when}: something was left behind`);
    }
  });

  it('refuses a repository without tests, or with too few pairs, with the reason and writes nothing', async () => {
    const none = path.join(tmp, 'no-tests');
    writeRepo(none, 2);
    fs.rmSync(path.join(none, 'src/test'), { recursive: true });
    const out = path.join(tmp, 'refused');
    const a = await run([none, '--method', 'lora', '--out', out, '--model', model]);
    assert.equal(a.code, 1);
    assert.match(a.err, /no test classes among 2 Java files/);
    const few = path.join(tmp, 'few');
    writeRepo(few, 2);
    const b = await run([few, '--method', 'lora', '--out', out, '--model', model]);
    assert.equal(b.code, 1);
    assert.match(b.err, /only 4 \(focal method, test\) pairs: at least 10/);
    assert.equal(fs.existsSync(out), false);
    const c = await run([few, '--method', 'nope', '--out', out, '--model', model]);
    assert.equal(c.code, -1); // a usage error: main prints it and exits 1
    assert.match(c.err, /--method must be one of/);
  });
});
