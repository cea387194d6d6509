// TestTune against transformers and PEFT: tiny random checkpoints of every supported family and option
// (scripts/interop/make_fixtures.py wrote them with transformers 5.17 / PEFT 0.21 and stored the logits
// transformers computed). Loading each folder the way the engine does (config.json, single or sharded
// safetensors, F32/F16/BF16) and running the inference graph must give those logits within 1e-4; so must
// each PEFT adapter (LoRA, (IA)³, prompt tuning) loaded by TestTune, and each adapter TestTune trained and
// saved, loaded by PEFT (PEFT's logits stored by make_fixtures.py --peft-reads-testtune).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadAdapterDir } from '../../src/model/adapters';
import { readModelConfig, readModelWeights } from '../../src/model/engine';
import { family } from '../../src/model/family';
import { maxDiff, openRunner, ortLogits } from './helpers/ort-logits';

const ROOT = path.join(__dirname, '..', 'fixtures', 'interop');

function expected(dir: string): { ids: number[]; logits: Float32Array } {
  const e = JSON.parse(fs.readFileSync(path.join(dir, 'expected.json'), 'utf8')) as { ids: number[]; logits: string };
  const buf = fs.readFileSync(path.join(dir, e.logits));
  return { ids: e.ids, logits: new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength)) };
}

const CASES = fs.readdirSync(ROOT).filter((d) => fs.existsSync(path.join(ROOT, d, 'config.json'))).sort();

describe('interop: transformers checkpoints and PEFT adapters give transformers\' logits', function () {
  this.timeout(120_000);

  it('covers every family and option the fixtures script writes', () => {
    const families = new Set(CASES.map((c) => readModelConfig(path.join(ROOT, c)).modelType));
    assert.deepEqual([...families].sort(), ['codegen', 'gpt_bigcode', 'llama', 'mistral', 'phi', 'qwen2', 'starcoder2']);
    assert.ok(CASES.length >= 15, CASES.join(', '));
  });

  for (const name of CASES) {
    it(`${name}: base model logits at every position within 1e-4`, async () => {
      const dir = path.join(ROOT, name);
      const cfg = readModelConfig(dir);
      const w = readModelWeights(dir, cfg);
      const ref = expected(dir);
      const got = await ortLogits(cfg, w, {}, ref.ids);
      const d = maxDiff(got, ref.logits);
      assert.ok(d <= 1e-4, `max diff ${d}`);
    });
    it(`${name}: KV-cached decoding (prefill 4, then one token a step) gives transformers' logits within 1e-4`, async () => {
      const dir = path.join(ROOT, name);
      const cfg = readModelConfig(dir);
      const ref = expected(dir);
      const V = cfg.vocabSize;
      const { runner, release } = await openRunner(cfg, readModelWeights(dir, cfg), {}, 'last');
      try {
        let logits = await runner.step(ref.ids.slice(0, 4));
        assert.ok(maxDiff(logits, ref.logits.subarray(3 * V, 4 * V)) <= 1e-4, 'prefill');
        for (let t = 4; t < ref.ids.length; t++) {
          logits = await runner.step([ref.ids[t]]);
          const d = maxDiff(logits, ref.logits.subarray(t * V, (t + 1) * V));
          assert.ok(d <= 1e-4, `position ${t}: max diff ${d}`);
        }
      } finally {
        await release();
      }
    });
    const adaptersDir = path.join(ROOT, name, 'adapters');
    for (const a of fs.existsSync(adaptersDir) ? fs.readdirSync(adaptersDir).sort() : [])
      it(`${name}: PEFT ${a} adapter loaded by TestTune gives PEFT's logits within 1e-4`, async () => {
        const dir = path.join(ROOT, name);
        const cfg = readModelConfig(dir);
        const w = readModelWeights(dir, cfg);
        const known = family(cfg).modules(cfg).map((m) => m.short);
        const loaded = loadAdapterDir(path.join(adaptersDir, a), cfg, known);
        const ref = expected(path.join(adaptersDir, a));
        const got = await ortLogits(cfg, w, loaded.slots, ref.ids, loaded.spec.weights);
        const d = maxDiff(got, ref.logits);
        assert.ok(d <= 1e-4, `max diff ${d}`);
        assert.ok(maxDiff(ref.logits, expected(dir).logits) > 1e-2, 'the adapter should change the logits');
      });
    // adapters TestTune trained and saved (scripts/interop/testtune-adapters.ts), then PEFT loaded
    const ownDir = path.join(ROOT, name, 'testtune-adapters');
    for (const a of fs.existsSync(ownDir) ? fs.readdirSync(ownDir).sort() : [])
      it(`${name}: a ${a} adapter TestTune trained, loaded by PEFT, gives TestTune's logits within 1e-4`, async () => {
        const dir = path.join(ROOT, name);
        const cfg = readModelConfig(dir);
        const w = readModelWeights(dir, cfg);
        const loaded = loadAdapterDir(path.join(ownDir, a), cfg, family(cfg).modules(cfg).map((m) => m.short));
        const ref = expected(path.join(ownDir, a)); // PEFT's logits
        const got = await ortLogits(cfg, w, loaded.slots, ref.ids, loaded.spec.weights);
        const d = maxDiff(got, ref.logits);
        assert.ok(d <= 1e-4, `max diff ${d}`);
        assert.ok(maxDiff(ref.logits, expected(dir).logits) > 1e-3, 'the trained adapter should change the logits');
      });
  }
});
