// Padding-free packing: a packed sequence (block-diagonal causal attention, RoPE positions restarting
// per example, loss weights 1/m per example) gives the loss and gradients of its examples run one by
// one, summed, for every method; packed training equals unpacked training step for step; cancel +
// resume of a packed run equals an uninterrupted packed run; the bins respect the token budget.
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { createSession, f32, type HostTensor } from '../../src/runtime/ort';
import { normalArray, rng } from '../../src/model/init';
import { buildTrainModel, sequenceFeeds } from '../../src/train/graph';
import { train } from '../../src/train/loop';
import { packBins, toSequence } from '../../src/train/pack';
import { resolveRecipe, type Method, type RecipeOverrides } from '../../src/train/recipe';
import type { Example, Pair } from '../../src/train/data';
import { makeTinyModel, type TinyModel } from './helpers/tiny-model';

/** Short pairs of varied length (about 45 to 70 byte-level tokens), so several fit one sequence. */
function shortPairs(n: number): Pair[] {
  return Array.from({ length: n }, (_, i) => {
    const k = (i * 7) % 10;
    const pad = 'x'.repeat((i * 5) % 12);
    return { id: String(i), source: `int f${pad}() { return ${k}; }\nvoid t() {\n`, target: `\tassertEquals(${k}, f${pad}());\n}` };
  });
}

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tt-pack-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));
let tiny: TinyModel;
before(() => {
  tiny = makeTinyModel(path.join(root, 'model'), { config: { numLayers: 2 } });
});

describe('packing: bins', () => {
  it('first-fit decreasing within the budget, every example once, deterministic', () => {
    const lengths = [300, 700, 120, 500, 900, 80, 1100, 240];
    const bins = packBins(lengths, 1024);
    assert.deepEqual(bins, packBins(lengths, 1024));
    assert.deepEqual(bins.flat().sort((a, b) => a - b), lengths.map((_, i) => i));
    for (const b of bins) assert.ok(b.length === 1 || b.reduce((s, i) => s + lengths[i], 0) <= 1024, `bin ${b} over budget`);
    assert.deepEqual(bins[0], [6]); // longer than the budget: alone
    assert.equal(bins.length, 4); // 1100 | 900+120 | 700+300 | 500+240+80
  });
});

describe('packing: a packed sequence equals its examples run one by one', () => {
  for (const method of ['lora', 'ia3', 'prompt', 'full'] as Method[])
    it(method, async () => {
      const r = resolveRecipe(tiny.cfg, { method, loraR: 4, numVirtualTokens: 3, loraDropout: method === 'lora' ? 0.1 : 0 }).value!;
      const m = buildTrainModel(tiny.cfg, tiny.weights, r);
      const s = await createSession(m.bytes, { provider: 'cpu', threads: 1 });
      const rand = rng(23);
      const fixed: Record<string, HostTensor> = {};
      for (const t of m.trainable) {
        const n = t.dims.reduce((a, b) => a * b, 1);
        const v = t.kind === 'weight' ? Float32Array.from(tiny.weights.get(t.name)!) : normalArray(n, t.kind === 'prompt' ? 1 : 0.3, rand);
        if (t.kind === 'ia3') for (let i = 0; i < n; i++) v[i] += 1;
        fixed[t.name] = f32(v, t.dims);
      }
      if (m.loraScaling) fixed[m.loraScaling] = f32(Float32Array.of(2), [1]);
      const examples: Example[] = [
        { ids: Array.from({ length: 13 }, () => Math.floor(rand() * 250)), promptLen: 6 },
        { ids: Array.from({ length: 7 }, () => Math.floor(rand() * 250)), promptLen: 2 },
        { ids: Array.from({ length: 10 }, () => Math.floor(rand() * 250)), promptLen: 9 },
      ];
      // Dropout keep-masks per example, concatenated for the packed run (the loop does the same).
      const masks = examples.map((e) => m.masks.map((mk) => Float32Array.from({ length: e.ids.length * mk.inDim }, () => (rand() < 0.9 ? 1 / 0.9 : 0))));
      const run = async (which: number[]) => {
        const seq = toSequence(which.map((k) => examples[k]));
        const feeds: Record<string, HostTensor> = { ...fixed, ...sequenceFeeds(seq) };
        m.masks.forEach((mk, j) => {
          const parts = which.map((k) => masks[k][j]);
          const data = new Float32Array(parts.reduce((a, p) => a + p.length, 0));
          let o = 0;
          for (const p of parts) data.set(p, (o += p.length) - p.length);
          feeds[mk.name] = f32(data, [1, seq.ids.length, mk.inDim]);
        });
        return s.run(feeds, ['loss', ...m.trainable.map((t) => `grad.${t.name}`)]);
      };
      const packed = await run([0, 1, 2]);
      const single = await Promise.all([0, 1, 2].map((k) => run([k])));
      const loss = (o: Record<string, HostTensor>) => (o.loss.data as Float32Array)[0];
      const sumLoss = single.reduce((a, o) => a + loss(o), 0);
      assert.ok(Math.abs(loss(packed) - sumLoss) <= 1e-4, `loss ${loss(packed)} vs Σ ${sumLoss}`);
      let maxDiff = 0;
      let maxGrad = 0;
      for (const t of m.trainable) {
        const g = packed[`grad.${t.name}`].data as Float32Array;
        const parts = single.map((o) => o[`grad.${t.name}`].data as Float32Array);
        for (let i = 0; i < g.length; i++) {
          const sum = parts[0][i] + parts[1][i] + parts[2][i];
          maxDiff = Math.max(maxDiff, Math.abs(g[i] - sum));
          maxGrad = Math.max(maxGrad, Math.abs(sum));
        }
      }
      assert.ok(maxGrad > 1e-3, 'gradients are not trivially zero');
      assert.ok(maxDiff <= 1e-4, `max |Δgrad| = ${maxDiff.toExponential(2)} (largest gradient ${maxGrad.toExponential(2)})`);
      console.log(`      |Δloss| ${Math.abs(loss(packed) - sumLoss).toExponential(2)}, max |Δgrad| ${maxDiff.toExponential(2)} (largest gradient ${maxGrad.toExponential(2)})`);
      await s.release();
    });
});

describe('packing: the training loop', () => {
  const base: RecipeOverrides = { method: 'lora', lr: 5e-2, loraR: 4, loraAlpha: 8, loraDropout: 0.1, gradAccumSteps: 4, epochs: 2, saveEverySteps: 1, seed: 9, maxTokens: 160 };
  const data = shortPairs(10);
  const counting = (limit = Infinity) => {
    const c = { reads: 0 };
    const signal = { get aborted() { return ++c.reads > limit; } } as AbortSignal;
    return { c, signal };
  };

  it('packed training takes the same optimizer steps as unpacked training, in fewer micro-steps', async () => {
    const u = counting();
    const p = counting();
    const a = await train({ modelDir: tiny.dir, outDir: path.join(root, 'unpacked'), data, recipe: { ...base, pack: false }, signal: u.signal, threads: 1 });
    const b = await train({ modelDir: tiny.dir, outDir: path.join(root, 'packed'), data, recipe: { ...base, pack: true }, signal: p.signal, threads: 1 });
    assert.equal(a.report.steps, 6);
    assert.equal(b.report.steps, 6);
    assert.equal(u.c.reads, 20); // one micro-step per example
    assert.ok(p.c.reads <= 12, `packed micro-steps: ${p.c.reads}`);
    let maxDiff = 0;
    for (const [name, v] of a.values) {
      const w = b.values.get(name)!;
      for (let i = 0; i < v.length; i++) maxDiff = Math.max(maxDiff, Math.abs(v[i] - w[i]));
    }
    assert.ok(maxDiff <= 1e-4, `max |Δweight| packed vs unpacked = ${maxDiff.toExponential(2)}`);
    console.log(`      micro-steps ${u.c.reads} unpacked, ${p.c.reads} packed; max |Δweight| ${maxDiff.toExponential(2)}`);
    a.report.lossCurve.forEach((pt, i) => assert.ok(Math.abs(pt.loss - b.report.lossCurve[i].loss) <= 1e-4, `step ${pt.step}: ${pt.loss} vs ${b.report.lossCurve[i].loss}`));
  });

  it('cancel at a random micro-step, then resume, gives the same weights as an uninterrupted packed run', async () => {
    const recipe = { ...base, pack: true };
    const whole = counting();
    const a = await train({ modelDir: tiny.dir, outDir: path.join(root, 'packed-straight'), data, recipe, signal: whole.signal, threads: 1 });
    const k = 1 + Math.floor(Math.random() * (whole.c.reads - 2));
    const outB = path.join(root, 'packed-resumed');
    const b1 = await train({ modelDir: tiny.dir, outDir: outB, data, recipe, signal: counting(k).signal, threads: 1 });
    assert.equal(b1.status, 'cancelled', `cancel after ${k} micro-steps`);
    const b2 = await train({ modelDir: tiny.dir, outDir: outB, data, recipe, resume: true, threads: 1 });
    assert.equal(b2.status, 'completed');
    for (const [name, v] of a.values) assert.deepEqual(b2.values.get(name), v, `${name} differs (cancelled after ${k} micro-steps)`);
    assert.deepEqual(b2.report.lossCurve, a.report.lossCurve);
  });
});
