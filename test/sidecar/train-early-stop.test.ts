// Early stopping and plain-LM documents in the training loop, on a tiny model: with a validation set
// that training cannot help (its targets contradict the training targets), the validation loss rises,
// the loop stops after `patience` evaluations without improvement, and what it writes is the best
// evaluation's adapter (its validation loss, recomputed from the saved tensors, is the best one, below
// the last evaluation's; the PEFT files reproduce those tensors' logits). Documents join the pairs as
// chunks whose loss covers every token; resume keeps the early-stopping state.
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadAdapterDir } from '../../src/model/adapters';
import { family } from '../../src/model/family';
import { buildInferenceModel, KvRunner } from '../../src/model/inference';
import { readSafetensors } from '../../src/model/safetensors';
import { Tokenizer } from '../../src/model/tokenizer';
import { createSession, f32, type HostTensor } from '../../src/runtime/ort';
import { encodePairs, type Pair } from '../../src/train/data';
import { buildTrainModel, sequenceFeeds } from '../../src/train/graph';
import { train } from '../../src/train/loop';
import { toSequence } from '../../src/train/pack';
import { resolveRecipe, type RecipeOverrides } from '../../src/train/recipe';
import { makeTinyModel, type TinyModel } from './helpers/tiny-model';
import { syntheticPairs } from './helpers/synthetic-pairs';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tt-early-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));

let tiny: TinyModel;
before(() => {
  tiny = makeTinyModel(path.join(root, 'model'));
});

/** Pairs like the training ones whose targets say the opposite: fitting the training set hurts them. */
function contradicting(n: number): Pair[] {
  return syntheticPairs(n).map((p, i) => ({ ...p, id: `v${i}`, target: `\t\tfail("never ${i}");\n\t}\n}` }));
}

const recipe: RecipeOverrides = { method: 'lora', lr: 5e-2, loraR: 4, loraAlpha: 8, gradAccumSteps: 2, epochs: 8, evalEverySteps: 1, patience: 2, saveEverySteps: 100 };

/** Mean validation loss (no dropout) of the trainable tensors in a safetensors file (graph names). */
async function validationLossOf(file: string, pairs: Pair[]): Promise<number> {
  const r = resolveRecipe(tiny.cfg, recipe).value!;
  const tm = buildTrainModel(tiny.cfg, tiny.weights, r);
  const s = await createSession(tm.bytes, { provider: 'cpu', threads: 1 });
  const st = readSafetensors(file).tensors;
  const tok = Tokenizer.fromFile(path.join(tiny.dir, 'tokenizer.json'));
  let sum = 0;
  const { examples } = encodePairs(tok, pairs, r.maxTokens);
  for (const ex of examples) {
    const n = ex.ids.length;
    const feeds: Record<string, HostTensor> = sequenceFeeds(toSequence([ex]));
    for (const t of tm.trainable) feeds[t.name] = f32(st.get(t.name)!.data as Float32Array, t.dims);
    if (tm.loraScaling) feeds[tm.loraScaling] = f32(Float32Array.of(r.loraAlpha / r.loraR), [1]);
    for (const m of tm.masks) feeds[m.name] = f32(new Float32Array(n * m.inDim).fill(1), [1, n, m.inDim]);
    sum += ((await s.run(feeds, ['loss'])).loss.data as Float32Array)[0];
  }
  await s.release();
  return sum / examples.length;
}

describe('training loop: early stopping and documents', () => {
  it('stops after `patience` evaluations without improvement and writes the best evaluation\'s adapter', async () => {
    const out = path.join(root, 'early');
    const validation = contradicting(6);
    const res = await train({ modelDir: tiny.dir, outDir: out, data: syntheticPairs(16), validation, recipe, threads: 1 });
    assert.equal(res.status, 'completed');
    const v = res.validation!;
    assert.ok(v.stoppedEarly, `did not stop early: curve ${JSON.stringify(v.curve)}`);
    assert.ok(res.report.steps < res.report.totalSteps, `${res.report.steps} of ${res.report.totalSteps} steps`);
    // the rule: the last `patience` evaluations did not beat the best, and every evaluation was recorded
    assert.equal(v.curve.length, res.report.steps);
    assert.equal(v.curve.at(-1)!.step - v.bestStep, recipe.patience);
    assert.equal(Math.min(...v.curve.map((c) => c.loss)), v.bestLoss);
    const last = v.curve.at(-1)!.loss;
    assert.ok(last > v.bestLoss, `last ${last} vs best ${v.bestLoss}`);
    // the checkpoint holds the best tensors; their validation loss is the best evaluation's
    const bestFile = path.join(out, 'checkpoint', 'best.safetensors');
    const recomputed = await validationLossOf(bestFile, validation);
    assert.ok(Math.abs(recomputed - v.bestLoss) < 1e-4, `recomputed ${recomputed} vs best ${v.bestLoss}`);
    const lastStep = await validationLossOf(path.join(out, 'checkpoint', 'trainable.safetensors'), validation);
    assert.ok(Math.abs(lastStep - last) < 1e-4 && lastStep > recomputed, `last step's tensors: ${lastStep}`);
    // the written PEFT adapter is the best tensors: the inference graph reproduces their logits
    const known = family(tiny.cfg).modules(tiny.cfg).map((m) => m.short);
    const loaded = loadAdapterDir(out, tiny.cfg, known);
    const { bytes, graph } = buildInferenceModel(tiny.cfg, tiny.weights, loaded.slots);
    const runner = new KvRunner(await createSession(bytes, { provider: 'cpu', threads: 1 }), tiny.cfg, graph, 256);
    runner.setAdapter(loaded.spec.weights);
    const ids = Tokenizer.fromFile(path.join(tiny.dir, 'tokenizer.json')).encode(validation[0].source);
    const inf = await runner.step(ids);
    const r = resolveRecipe(tiny.cfg, recipe).value!;
    const tm = buildTrainModel(tiny.cfg, tiny.weights, r, { withLogits: true });
    const s = await createSession(tm.bytes, { provider: 'cpu', threads: 1 });
    const feeds: Record<string, HostTensor> = sequenceFeeds(toSequence([{ ids, promptLen: 1 }]));
    const st = readSafetensors(bestFile).tensors;
    for (const t of tm.trainable) feeds[t.name] = f32(st.get(t.name)!.data as Float32Array, t.dims);
    if (tm.loraScaling) feeds[tm.loraScaling] = f32(Float32Array.of(r.loraAlpha / r.loraR), [1]);
    for (const m of tm.masks) feeds[m.name] = f32(new Float32Array(ids.length * m.inDim).fill(1), [1, ids.length, m.inDim]);
    const logits = (await s.run(feeds, ['logits'])).logits.data as Float32Array;
    const V = tiny.cfg.vocabSize;
    let maxDiff = 0;
    for (let i = 0; i < V; i++) maxDiff = Math.max(maxDiff, Math.abs(logits[logits.length - V + i] - inf[i]));
    assert.ok(maxDiff < 1e-3, `max |Δlogit| = ${maxDiff}`);
    await s.release();
    const report = JSON.parse(fs.readFileSync(path.join(out, 'training_report.json'), 'utf8'));
    assert.equal(report.validation.bestStep, v.bestStep);
    assert.equal(report.validation.stoppedEarly, true);
  });

  it('a validation set the training helps does not stop early', async () => {
    const out = path.join(root, 'helps');
    // more pairs of the same task (other ids and constants): fitting the training set helps them
    const validation = syntheticPairs(22).slice(16);
    const res = await train({ modelDir: tiny.dir, outDir: out, data: syntheticPairs(16), validation, recipe: { ...recipe, epochs: 2, patience: 3, evalEverySteps: 4 }, threads: 1 });
    assert.equal(res.validation!.stoppedEarly, false);
    assert.equal(res.report.steps, res.report.totalSteps);
    assert.equal(res.validation!.curve.length, 4);
    assert.ok(res.validation!.curve.at(-1)!.loss < res.validation!.curve[0].loss, JSON.stringify(res.validation!.curve));
  });

  it('cancel and resume keep the early-stopping state and reach the same result', async () => {
    const validation = contradicting(6);
    const whole = await train({ modelDir: tiny.dir, outDir: path.join(root, 'whole'), data: syntheticPairs(16), validation, recipe, threads: 1 });
    const out = path.join(root, 'resumed');
    const ac = new AbortController();
    const first = await train({ modelDir: tiny.dir, outDir: out, data: syntheticPairs(16), validation, recipe, threads: 1, signal: ac.signal, onProgress: (e) => e.step === 3 && ac.abort() });
    assert.equal(first.status, 'cancelled');
    const second = await train({ modelDir: tiny.dir, outDir: out, data: syntheticPairs(16), validation, recipe, threads: 1, resume: true });
    assert.equal(second.status, 'completed');
    assert.deepEqual(second.validation!.curve.map((c) => c.step), whole.validation!.curve.map((c) => c.step));
    assert.equal(second.validation!.bestStep, whole.validation!.bestStep);
    for (const [k, w] of whole.values) {
      const g = second.values.get(k)!;
      let d = 0;
      for (let i = 0; i < w.length; i++) d = Math.max(d, Math.abs(w[i] - g[i]));
      assert.ok(d < 1e-5, `${k}: max |Δ| ${d}`);
    }
  });

  it('stepCap caps the optimizer steps and never adds any beyond the recipe\'s epochs', async () => {
    const base = { method: 'lora' as const, lr: 5e-2, loraR: 4, loraAlpha: 8, gradAccumSteps: 2, epochs: 1 };
    const capped = await train({ modelDir: tiny.dir, outDir: path.join(root, 'cap3'), data: syntheticPairs(16), recipe: base, stepCap: 3, threads: 1 });
    assert.equal(capped.report.totalSteps, 3);
    assert.equal(capped.report.steps, 3);
    const loose = await train({ modelDir: tiny.dir, outDir: path.join(root, 'cap100'), data: syntheticPairs(16), recipe: base, stepCap: 100, threads: 1 });
    assert.equal(loose.report.totalSteps, 8); // 16 examples / 2 per step, one epoch
  });

  it('documents join the pairs as chunks of at most maxTokens with loss on every token, within the share', async () => {
    const out = path.join(root, 'docs');
    const code = Array.from({ length: 40 }, (_, i) => `\tint helper${i}(int x) { return x * ${i}; }\n`).join('');
    const documents = [{ id: 'src/A.java', text: `class A {\n${code}}\n` }, { id: 'src/B.java', text: 'class B {}\n'.repeat(3) }];
    const res = await train({ modelDir: tiny.dir, outDir: out, data: syntheticPairs(8), documents, recipe: { method: 'lora', lr: 5e-2, loraR: 4, loraAlpha: 8, gradAccumSteps: 2, epochs: 1, maxTokens: 200, sourcesShare: 10 }, threads: 1 });
    const d = res.documents!;
    const tok = Tokenizer.fromFile(path.join(tiny.dir, 'tokenizer.json'));
    const aTokens = tok.encode(documents[0].text).length;
    const bTokens = tok.encode(documents[1].text).length;
    // A is cut into chunks of 200 tokens (a tail under 32 tokens left out); B is one chunk if it has 32 tokens
    const aChunks = Math.floor(aTokens / 200) + (aTokens % 200 >= 32 ? 1 : 0);
    assert.equal(d.chunks, aChunks + (bTokens >= 32 ? 1 : 0));
    assert.equal(d.used, d.chunks); // the share (10 × the pairs' tokens) does not bind
    assert.equal(res.report.steps, Math.ceil((8 + d.used) / 2));
    const capped = await train({ modelDir: tiny.dir, outDir: path.join(root, 'docs-capped'), data: syntheticPairs(8), documents, recipe: { method: 'lora', lr: 5e-2, loraR: 4, loraAlpha: 8, gradAccumSteps: 2, epochs: 1, maxTokens: 200, sourcesShare: 0.5 }, threads: 1 });
    assert.ok(capped.documents!.tokens <= 0.5 * capped.report.data.tokens, `${capped.documents!.tokens} source tokens for ${capped.report.data.tokens} pair tokens`);
    assert.ok(capped.documents!.used < d.used);
  });
});
