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

/** A KV runner (64 positions) over a fresh 1-thread CPU session of the inference graph, with adapter `a` set. */
export async function openRunner(cfg: ModelConfig, w: Map<string, Float32Array>, slots: AdapterSlots, logits: 'all' | 'last', a?: AdapterWeights): Promise<{ runner: KvRunner; release: () => Promise<void> }> {
  const { bytes, graph } = buildInferenceModel(cfg, w, slots, logits);
  const s = await createSession(bytes, { provider: 'cpu', threads: 1 });
  const runner = new KvRunner(s, cfg, graph, 64);
  runner.setAdapter(a);
  return { runner, release: () => s.release() };
}

/** All-position logits [seq, vocab] from a fresh session, in one prefill (a copy: the runner's buffer is released). */
export async function ortLogits(cfg: ModelConfig, w: Map<string, Float32Array>, slots: AdapterSlots, ids: number[], a?: AdapterWeights): Promise<Float32Array> {
  const { runner, release } = await openRunner(cfg, w, slots, 'all', a);
  try {
    await runner.step(ids);
    return Float32Array.from(runner.lastOutput);
  } finally {
    await release();
  }
}
