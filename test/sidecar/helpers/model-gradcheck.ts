// Whole-model gradient check of a training graph (src/train/graph.ts): the analytic gradients that the
// graph outputs against central differences of its loss in ONNX Runtime, along one random direction over
// all trainable tensors and on a few single elements. Shared by both model families' tests.
import type { ModelConfig } from '../../../src/model/config';
import { normalArray, rng } from '../../../src/model/init';
import { createSession, f32, type HostTensor } from '../../../src/runtime/ort';
import { buildTrainModel, sequenceFeeds, type TrainModel } from '../../../src/train/graph';
import { toSequence } from '../../../src/train/pack';
import { resolveRecipe, type Method } from '../../../src/train/recipe';

export interface ModelGradCheck {
  rel: number; // relative error of the directional derivative
  elementsRel: number; // worst relative error over the single elements
  checked: number; // single elements checked
}

export type Trainable = TrainModel['trainable'][number];

/**
 * Checks the training graph of `cfg`/`weights` for one method (LoRA r 4, 3 virtual tokens; LoRA dropout
 * masks drawn once and fixed). Single elements: 3 in each of the first 6 tensors that `pick` keeps.
 */
export async function modelGradCheck(
  cfg: ModelConfig,
  weights: Map<string, Float32Array>,
  method: Method,
  dropout = 0,
  pick: (trainable: Trainable[]) => Trainable[] = (t) => t,
): Promise<ModelGradCheck> {
  const r = resolveRecipe(cfg, { method, loraR: 4, numVirtualTokens: 3, loraDropout: dropout }).value!;
  const m = buildTrainModel(cfg, weights, r);
  const s = await createSession(m.bytes, { provider: 'cpu', threads: 1 });
  try {
    const rand = rng(11);
    const values = new Map<string, Float32Array>();
    for (const t of m.trainable) {
      const n = t.dims.reduce((a, b) => a * b, 1);
      const v = t.kind === 'weight' ? Float32Array.from(weights.get(t.name)!) : normalArray(n, t.kind === 'prompt' ? 1 : 0.3, rand);
      if (t.kind === 'ia3') for (let i = 0; i < n; i++) v[i] += 1;
      values.set(t.name, v);
    }
    const n = 14;
    const ids = Array.from({ length: n }, () => Math.floor(rand() * 250));
    // Loss on rows 6..12 (predicting ids[7..13]), a mean over the 7 targets.
    const feeds: Record<string, HostTensor> = sequenceFeeds(toSequence([{ ids, promptLen: 7 }]));
    if (m.loraScaling) feeds[m.loraScaling] = f32(Float32Array.of(2), [1]);
    for (const mk of m.masks) feeds[mk.name] = f32(Float32Array.from({ length: n * mk.inDim }, () => (rand() < 1 - dropout ? 1 / (1 - dropout) : 0)), [1, n, mk.inDim]);
    for (const t of m.trainable) feeds[t.name] = f32(values.get(t.name)!, t.dims); // views: edits of values reach the next run
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
      for (let i = 0; i < d.length; i++) analytic += g[i] * (d[i] /= norm);
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

    // A few single elements of up to 6 of the picked tensors.
    let elementsRel = 0;
    let checked = 0;
    for (const t of pick(m.trainable).slice(0, 6)) {
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
    return { rel, elementsRel, checked };
  } finally {
    await s.release();
  }
}
