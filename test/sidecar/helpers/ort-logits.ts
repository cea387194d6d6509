// Logits of a model's inference graph in ONNX Runtime, and the comparison the model tests use.
import { strict as assert } from 'node:assert';
import type { ModelConfig } from '../../../src/model/config';
import type { AdapterSlots, AdapterWeights } from '../../../src/model/family';
import { buildInferenceModel, KvRunner } from '../../../src/model/inference';
import { createSession } from '../../../src/runtime/ort';

/** Largest absolute element difference of two equally long arrays. */
export function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** All-position logits [seq, vocab] from a fresh session, in one prefill (a copy: the runner's buffer is released). */
export async function ortLogits(cfg: ModelConfig, w: Map<string, Float32Array>, slots: AdapterSlots, ids: number[], a?: AdapterWeights): Promise<Float32Array> {
  const { bytes, graph } = buildInferenceModel(cfg, w, slots, 'all');
  const s = await createSession(bytes, { provider: 'cpu', threads: 1 });
  try {
    const r = new KvRunner(s, cfg, graph, 64);
    r.setAdapter(a);
    await r.step(ids);
    return Float32Array.from(r.lastOutput);
  } finally {
    await s.release();
  }
}
