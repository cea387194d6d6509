// Whole-model gradient checks: the training graph built from the model definition (train mode) plus
// cross-entropy on target positions, differentiated by src/onnx/autodiff, against finite differences
// of the loss in ONNX Runtime, for every method (LoRA with its dropout masks fixed).
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { createSession, f32, i64, type HostTensor } from '../../src/runtime/ort';
import { buildTrainModel, sequenceFeeds } from '../../src/train/graph';
import { toSequence } from '../../src/train/pack';
import { resolveRecipe, type Method } from '../../src/train/recipe';
import { normalArray, rng } from '../../src/model/init';
import { makeTinyModel } from './helpers/tiny-model';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tt-grad-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

async function check(method: Method, dropout = 0): Promise<{ rel: number; elementsRel: number; checked: number }> {
  const tiny = makeTinyModel(path.join(dir, method), { config: { numLayers: 2 } });
  const r = resolveRecipe(tiny.cfg, { method, loraR: 4, numVirtualTokens: 3, loraDropout: dropout }).value!;
  const m = buildTrainModel(tiny.cfg, tiny.weights, r);
  const s = await createSession(m.bytes, { provider: 'cpu', threads: 1 });
  const rand = rng(11);
  const values = new Map<string, Float32Array>();
  for (const t of m.trainable) {
    const n = t.dims.reduce((a, b) => a * b, 1);
    const v = t.kind === 'weight' ? Float32Array.from(tiny.weights.get(t.name)!) : normalArray(n, t.kind === 'prompt' ? 1 : 0.3, rand);
    if (t.kind === 'ia3') for (let i = 0; i < n; i++) v[i] += 1;
    values.set(t.name, v);
  }
  const n = 14;
  const ids = Array.from({ length: n }, () => Math.floor(rand() * 250));
  // Loss on rows 6..12 (predicting ids[7..13]), a mean over the 7 targets.
  const feeds: Record<string, HostTensor> = sequenceFeeds(toSequence([{ ids, promptLen: 7 }]));
  if (m.loraScaling) feeds[m.loraScaling] = f32(Float32Array.of(2), [1]);
  for (const mk of m.masks) feeds[mk.name] = f32(Float32Array.from({ length: n * mk.inDim }, () => (rand() < 1 - dropout ? 1 / (1 - dropout) : 0)), [1, n, mk.inDim]);
  const put = () => {
    for (const t of m.trainable) feeds[t.name] = f32(values.get(t.name)!, t.dims);
  };
  put();
  const out = await s.run(feeds);
  const lossAt = async () => ((await s.run(feeds, ['loss'])).loss.data as Float32Array)[0];

  // Directional derivative along a random unit direction over all trainable tensors.
  const dirs = new Map([...values].map(([k, v]) => [k, normalArray(v.length, 1, rand)]));
  let norm = 0;
  for (const d of dirs.values()) for (const x of d) norm += x * x;
  norm = Math.sqrt(norm);
  let analytic = 0;
  for (const [k, d] of dirs) {
    const g = out[`grad.${k}`].data as Float32Array;
    for (let i = 0; i < d.length; i++) {
      d[i] /= norm;
      analytic += g[i] * d[i];
    }
  }
  const eps = 1e-2;
  const shift = (sign: number) => {
    for (const [k, d] of dirs) {
      const v = values.get(k)!;
      for (let i = 0; i < v.length; i++) v[i] += sign * eps * d[i];
    }
  };
  shift(1);
  const lp = await lossAt();
  shift(-2);
  const lm = await lossAt();
  shift(1);
  const numeric = (lp - lm) / (2 * eps);
  const rel = Math.abs(numeric - analytic) / Math.max(1e-3, Math.abs(numeric));

  // A few single elements of every trainable tensor (up to 6 tensors).
  let elementsRel = 0;
  let checked = 0;
  for (const t of m.trainable.slice(0, 6)) {
    const v = values.get(t.name)!;
    const g = out[`grad.${t.name}`].data as Float32Array;
    for (let c = 0; c < 3; c++) {
      const i = Math.floor(rand() * v.length);
      const orig = v[i];
      v[i] = orig + eps;
      const a = await lossAt();
      v[i] = orig - eps;
      const b = await lossAt();
      v[i] = orig;
      const num = (a - b) / (2 * eps);
      elementsRel = Math.max(elementsRel, Math.abs(num - g[i]) / Math.max(0.05, Math.abs(num)));
      checked++;
    }
  }
  await s.release();
  return { rel, elementsRel, checked };
}

describe('training graph: whole-model gradients vs finite differences', () => {
  for (const [method, dropout] of [['lora', 0.1], ['ia3', 0], ['prompt', 0], ['full', 0]] as [Method, number][]) {
    it(`${method}${dropout ? ' (dropout masks fixed)' : ''}`, async () => {
      const r = await check(method, dropout);
      assert.ok(r.rel < 2e-2, `directional derivative relative error ${r.rel.toExponential(2)}`);
      assert.ok(r.elementsRel < 5e-2, `single-element relative error ${r.elementsRel.toExponential(2)} over ${r.checked} elements`);
    });
  }
});
