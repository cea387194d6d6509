// Training on every family, from the same definition: the train-mode graph (explicit standard ops, no
// contrib RotaryEmbedding/GroupQueryAttention) of each transformers fixture gives transformers' logits,
// with a PEFT adapter where the fixture has one, and the whole-model gradients of a LoRA and a full
// fine-tuning step agree with finite differences (biases, partial and interleaved rotary, fused qkv,
// LM head bias included).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadAdapterDir } from '../../src/model/adapters';
import { readModelConfig, readModelWeights } from '../../src/model/engine';
import { buildDecoderGraph, family } from '../../src/model/family';
import { adapterFeeds } from '../../src/model/inference';
import { Graph } from '../../src/onnx/graph';
import { createSession, f32, i64, type HostTensor } from '../../src/runtime/ort';
import { maxDiff } from './helpers/ort-logits';
import { modelGradCheck } from './helpers/model-gradcheck';

const ROOT = path.join(__dirname, '..', 'fixtures', 'interop');

function expected(dir: string): { ids: number[]; logits: Float32Array } {
  const e = JSON.parse(fs.readFileSync(path.join(dir, 'expected.json'), 'utf8')) as { ids: number[]; logits: string };
  const buf = fs.readFileSync(path.join(dir, e.logits));
  return { ids: e.ids, logits: new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength)) };
}

/** Fixtures whose train-mode graph is checked (each family, each option that changes the graph). */
const CASES: [string, string?][] = [
  ['llama', 'lora'], ['llama', 'prompt'], ['llama-bias'], ['llama-head-dim'], ['llama-rope-llama3'], ['llama-rope-yarn'],
  ['qwen2', 'ia3'], ['starcoder2'], ['mistral'], ['gpt_bigcode', 'lora'], ['gpt_bigcode', 'prompt'], ['phi', 'lora'], ['codegen', 'lora'],
];

describe('interop: train-mode graphs of every family', function () {
  this.timeout(300_000);

  for (const [name, adapter] of CASES)
    it(`${name}${adapter ? ` + PEFT ${adapter}` : ''}: the train-mode graph gives transformers' logits within 1e-4`, async () => {
      const dir = path.join(ROOT, name);
      const cfg = readModelConfig(dir);
      const w = readModelWeights(dir, cfg);
      const a = adapter ? loadAdapterDir(path.join(dir, 'adapters', adapter), cfg, family(cfg).modules(cfg).map((m) => m.short)) : undefined;
      const ref = expected(adapter ? path.join(dir, 'adapters', adapter) : dir);
      const g = new Graph('train');
      const shapes = new Map(family(cfg).weightSpecs(cfg).map((s) => [s.name, s.shape]));
      const made = new Map<string, string>();
      const weight = (n: string) => {
        if (!made.has(n)) made.set(n, g.initializer(n, { dtype: 'float32', dims: shapes.get(n)!, data: w.get(n)! }));
        return made.get(n)!;
      };
      const res = buildDecoderGraph(g, cfg, { mode: 'train', weight, adapter: a?.slots });
      assert.ok(g.nodes.every((n) => n.domain === ''), 'no contrib ops in train mode');
      g.output(res.logits, 'logits', 'float32', ['batch', 'seq', cfg.vocabSize]);
      const s = await createSession(g.toModel({ opset: 18 }), { provider: 'cpu', threads: 1 });
      try {
        const feeds: Record<string, HostTensor> = { ...adapterFeeds(cfg, res, a?.spec.weights), input_ids: i64(ref.ids, [1, ref.ids.length]) };
        const out = (await s.run(feeds)).logits.data as Float32Array;
        const d = maxDiff(out, ref.logits);
        assert.ok(d <= 1e-4, `max diff ${d}`);
      } finally {
        await s.release();
      }
    });

  for (const name of ['llama-bias', 'qwen2', 'phi', 'codegen', 'gpt_bigcode'])
    for (const method of ['lora', 'full'] as const)
      it(`${name}: ${method} gradients agree with finite differences`, async () => {
        const dir = path.join(ROOT, name);
        const cfg = readModelConfig(dir);
        const r = await modelGradCheck(cfg, readModelWeights(dir, cfg), method);
        assert.ok(r.rel < 2e-2, `directional derivative relative error ${r.rel.toExponential(2)}`);
        assert.ok(r.elementsRel < 5e-2, `single-element relative error ${r.elementsRel.toExponential(2)} over ${r.checked} elements`);
      });
});
