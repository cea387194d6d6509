// The training loop end to end on a tiny model: loss falls for every method; the trained adapter,
// loaded from its PEFT files by the inference engine's graph, reproduces the training graph's logits;
// cancel + resume equals an uninterrupted run; trainable-parameter counts match the formulas.
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { createSession, f32, i64, type HostTensor } from '../../src/runtime/ort';
import { loadAdapterDir } from '../../src/model/adapters';
import { family } from '../../src/model/family';
import { buildInferenceModel, KvRunner } from '../../src/model/inference';
import { PRESETS } from '../../src/model/init';
import { Tokenizer } from '../../src/model/tokenizer';
import { buildTrainModel, sequenceFeeds } from '../../src/train/graph';
import { toSequence } from '../../src/train/pack';
import { train } from '../../src/train/loop';
import { formulaParams, paramsRow } from '../../src/train/params';
import { resolveRecipe, type Method, type RecipeOverrides } from '../../src/train/recipe';
import { makeTinyModel, type TinyModel } from './helpers/tiny-model';
import { syntheticPairs } from './helpers/synthetic-pairs';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tt-train-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));

let tiny: TinyModel;
before(() => {
  tiny = makeTinyModel(path.join(root, 'model'));
});

const fast: Record<Method, Partial<RecipeOverrides>> = {
  lora: { lr: 5e-2, loraR: 4, loraAlpha: 8 },
  ia3: { lr: 3e-1 },
  prompt: { lr: 3e-1, numVirtualTokens: 4 },
  full: { lr: 3e-3 },
};

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('training loop', () => {
  for (const method of ['lora', 'ia3', 'prompt', 'full'] as Method[]) {
    it(`loss falls on a synthetic task (${method}), and the output directory is complete`, async () => {
      const out = path.join(root, `run-${method}`);
      const events: number[] = [];
      const res = await train({
        modelDir: tiny.dir,
        outDir: out,
        data: syntheticPairs(16),
        recipe: { method, ...fast[method], gradAccumSteps: 2, epochs: 3, saveEverySteps: 10 },
        onProgress: (e) => events.push(e.loss),
        threads: 1,
      });
      assert.equal(res.status, 'completed');
      assert.equal(res.report.steps, 24);
      assert.equal(events.length, 24);
      const first = mean(res.report.lossCurve.slice(0, 3).map((p) => p.loss));
      const last = mean(res.report.lossCurve.slice(-3).map((p) => p.loss));
      // A random tiny model starts near ln(vocab) ≈ 5.6 nats; every method must clearly lower it.
      assert.ok(last < first - 0.25, `loss ${first.toFixed(3)} → ${last.toFixed(3)}`);
      const report = JSON.parse(fs.readFileSync(path.join(out, 'training_report.json'), 'utf8'));
      assert.equal(report.trainableParams, report.trainableParamsFormula);
      assert.equal(report.lossCurve.length, 24);
      assert.ok(report.throughput.tokensPerSec > 0);
      const expected = method === 'full' ? ['config.json', 'model.safetensors', 'tokenizer.json'] : ['adapter_config.json', 'adapter_model.safetensors'];
      for (const f of expected) assert.ok(fs.existsSync(path.join(out, f)), `${f} missing`);
      assert.ok(fs.existsSync(path.join(out, 'checkpoint', 'trainer_state.json')));
      if (method !== 'full') {
        const cfgJson = JSON.parse(fs.readFileSync(path.join(out, 'adapter_config.json'), 'utf8'));
        assert.equal(cfgJson.peft_type, { lora: 'LORA', ia3: 'IA3', prompt: 'PROMPT_TUNING' }[method]);
      }
    });
  }

  for (const method of ['lora', 'ia3', 'prompt'] as Method[]) {
    it(`the trained ${method} adapter, loaded by the inference graph, reproduces the training graph's logits`, async () => {
      const out = path.join(root, `run-${method}`);
      const known = family(tiny.cfg).modules(tiny.cfg).map((m) => m.short);
      const loaded = loadAdapterDir(out, tiny.cfg, known);
      const { bytes, graph } = buildInferenceModel(tiny.cfg, tiny.weights, loaded.slots);
      const runner = new KvRunner(await createSession(bytes, { provider: 'cpu', threads: 1 }), tiny.cfg, graph, 256);
      runner.setAdapter(loaded.spec.weights);
      const tok = Tokenizer.fromFile(path.join(tiny.dir, 'tokenizer.json'));
      const ids = tok.encode(syntheticPairs(3)[2].source);
      const inf = await runner.step(ids);

      const r = resolveRecipe(tiny.cfg, { method, ...fast[method] }).value!;
      const tm = buildTrainModel(tiny.cfg, tiny.weights, r, { withLogits: true });
      const s = await createSession(tm.bytes, { provider: 'cpu', threads: 1 });
      const feeds: Record<string, HostTensor> = sequenceFeeds(toSequence([{ ids, promptLen: 1 }]));
      const st = (await import('../../src/model/safetensors')).readSafetensors(path.join(out, 'checkpoint', 'trainable.safetensors')).tensors;
      for (const t of tm.trainable) feeds[t.name] = f32(st.get(t.name)!.data as Float32Array, t.dims);
      if (tm.loraScaling) feeds[tm.loraScaling] = f32(Float32Array.of(r.loraAlpha / r.loraR), [1]);
      for (const m of tm.masks) feeds[m.name] = f32(new Float32Array(ids.length * m.inDim).fill(1), [1, ids.length, m.inDim]);
      const logits = (await s.run(feeds, ['logits'])).logits.data as Float32Array;
      const V = tiny.cfg.vocabSize;
      const lastRow = logits.subarray(logits.length - V);
      let maxDiff = 0;
      for (let i = 0; i < V; i++) maxDiff = Math.max(maxDiff, Math.abs(lastRow[i] - inf[i]));
      assert.ok(maxDiff < 1e-3, `max |Δlogit| = ${maxDiff}`);
      await s.release();
    });
  }

  it('the fully fine-tuned model directory, loaded like any model, reproduces the training graph\'s logits', async () => {
    const out = path.join(root, 'run-full');
    const { loadModelFiles } = await import('../../src/model/engine');
    const trained = loadModelFiles(out);
    const { bytes, graph } = buildInferenceModel(trained.cfg, trained.weights, {});
    const runner = new KvRunner(await createSession(bytes, { provider: 'cpu', threads: 1 }), trained.cfg, graph, 256);
    runner.setAdapter(undefined);
    const ids = Tokenizer.fromFile(path.join(out, 'tokenizer.json')).encode(syntheticPairs(3)[1].source);
    const inf = await runner.step(ids);
    const r = resolveRecipe(tiny.cfg, { method: 'full' }).value!;
    const tm = buildTrainModel(tiny.cfg, tiny.weights, r, { withLogits: true });
    const s = await createSession(tm.bytes, { provider: 'cpu', threads: 1 });
    const feeds: Record<string, HostTensor> = sequenceFeeds(toSequence([{ ids, promptLen: 1 }]));
    for (const t of tm.trainable) feeds[t.name] = f32(trained.weights.get(t.name)!, t.dims);
    const logits = (await s.run(feeds, ['logits'])).logits.data as Float32Array;
    const V = tiny.cfg.vocabSize;
    let maxDiff = 0;
    let moved = 0;
    for (let i = 0; i < V; i++) maxDiff = Math.max(maxDiff, Math.abs(logits[logits.length - V + i] - inf[i]));
    for (const [name, w] of tiny.weights) moved = Math.max(moved, ...Array.from(w.subarray(0, 64), (v, i) => Math.abs(v - trained.weights.get(name)![i])));
    assert.ok(moved > 1e-4, 'training changed the weights');
    assert.ok(maxDiff < 1e-3, `max |Δlogit| = ${maxDiff}`);
    await s.release();
  });

  for (const method of ['lora', 'full'] as Method[])
    it(`cancel at a random micro-step, then resume, gives the same weights as an uninterrupted run (${method})`, async () => {
      const recipe: RecipeOverrides = { method, ...fast[method], loraDropout: 0.1, gradAccumSteps: 3, epochs: 2, saveEverySteps: 1, seed: 5 };
      const data = syntheticPairs(10);
      const a = await train({ modelDir: tiny.dir, outDir: path.join(root, `straight-${method}`), data, recipe, threads: 1 });
      const microSteps = 20;
      const k = 1 + Math.floor(Math.random() * (microSteps - 2));
      let reads = 0;
      const signal = { get aborted() { return ++reads > k; } } as AbortSignal;
      const outB = path.join(root, `resumed-${method}`);
      const b1 = await train({ modelDir: tiny.dir, outDir: outB, data, recipe, signal, threads: 1 });
      assert.equal(b1.status, 'cancelled', `cancel after ${k} micro-steps`);
      const b2 = await train({ modelDir: tiny.dir, outDir: outB, data, recipe, resume: true, threads: 1 });
      assert.equal(b2.status, 'completed');
      for (const [name, v] of a.values) assert.deepEqual(b2.values.get(name), v, `${name} differs (cancelled after ${k} micro-steps)`);
      assert.deepEqual(b2.report.lossCurve, a.report.lossCurve);
    });

  it('a cancel between periodic checkpoints saves one at the cancelled step, and resume continues from it', async () => {
    // checkpoints only at epoch ends (10 steps); cancelled after step 4: without the cancel checkpoint
    // a resume would restart at step 1
    const recipe: RecipeOverrides = { method: 'lora', ...fast.lora, gradAccumSteps: 1, epochs: 2, saveEverySteps: 1000, seed: 3 };
    const data = syntheticPairs(10);
    const a = await train({ modelDir: tiny.dir, outDir: path.join(root, 'straight-cancel-save'), data, recipe, threads: 1 });
    const out = path.join(root, 'cancel-save');
    const ac = new AbortController();
    const logs: string[] = [];
    const b1 = await train({ modelDir: tiny.dir, outDir: out, data, recipe, signal: ac.signal, threads: 1, log: (m) => logs.push(m), onProgress: (e) => e.step === 4 && ac.abort() });
    assert.equal(b1.status, 'cancelled');
    assert.equal(b1.report.steps, 4);
    assert.equal(JSON.parse(fs.readFileSync(path.join(out, 'checkpoint', 'trainer_state.json'), 'utf8')).optimizerStep, 4);
    assert.ok(logs.includes('cancelled: checkpoint saved at step 4 of 20'), logs.join('\n'));
    const resumedLogs: string[] = [];
    const b2 = await train({ modelDir: tiny.dir, outDir: out, data, recipe, resume: true, threads: 1, log: (m) => resumedLogs.push(m) });
    assert.ok(resumedLogs.some((m) => m.startsWith('resuming at step 4 ')), resumedLogs.join('\n'));
    assert.equal(b2.status, 'completed');
    for (const [name, v] of a.values) assert.deepEqual(b2.values.get(name), v, name);
    assert.deepEqual(b2.report.lossCurve, a.report.lossCurve);
  });

  it('resume refuses a checkpoint made with different data', async () => {
    const recipe: RecipeOverrides = { method: 'ia3', gradAccumSteps: 2, epochs: 1, saveEverySteps: 1 };
    const out = path.join(root, 'mismatch');
    await train({ modelDir: tiny.dir, outDir: out, data: syntheticPairs(4), recipe, threads: 1 });
    await assert.rejects(train({ modelDir: tiny.dir, outDir: out, data: syntheticPairs(5), recipe, resume: true, threads: 1 }), /different data or settings/);
  });

  it('trainable-parameter counts match the formulas (printed like the study\'s table)', () => {
    const rows: string[] = [];
    for (const method of ['lora', 'ia3', 'prompt', 'full'] as Method[]) {
      const r = resolveRecipe(tiny.cfg, { method }).value!;
      const m = buildTrainModel(tiny.cfg, tiny.weights, r);
      const actual = m.trainable.reduce((s, t) => s + t.dims.reduce((p, q) => p * q, 1), 0);
      assert.equal(actual, formulaParams(tiny.cfg, r), method);
      const d = resolveRecipe(PRESETS.default, { method }).value!;
      const row = paramsRow(PRESETS.default, d);
      rows.push(`${method.padEnd(7)} tiny ${String(actual).padStart(8)}   default ${String(row.trainable).padStart(10)} of ${row.total} (${row.percent})`);
    }
    // Closed forms for the default model (h=384, 6 layers, kv 128, FFN 1024): LoRA r16 on q,v; (IA)³ on k,v,down.
    assert.equal(formulaParams(PRESETS.default, resolveRecipe(PRESETS.default, { method: 'lora' }).value!), 6 * 16 * ((384 + 384) + (384 + 128)));
    assert.equal(formulaParams(PRESETS.default, resolveRecipe(PRESETS.default, { method: 'ia3' }).value!), 6 * (128 + 128 + 1024));
    assert.equal(formulaParams(PRESETS.default, resolveRecipe(PRESETS.default, { method: 'prompt' }).value!), 20 * 384);
    console.log('      trainable parameters\n      ' + rows.join('\n      '));
  });
});
