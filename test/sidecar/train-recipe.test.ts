// The training engine's pure parts: recipe defaults and validation, the linear schedule, AdamW and
// clipping against values PyTorch 1.13 printed, JSONL reading, target-only loss positions and context
// trimming that keeps the focal method and the whole target. (No ONNX Runtime here.)
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PRESETS } from '../../src/model/init';
import { AdamW, clipGradNorm, decaysLikeHf } from '../../src/train/adamw';
import { encodePairs, lossTargets, readPairs, trimmableLines } from '../../src/train/data';
import { RECIPE_DEFAULTS, resolveRecipe } from '../../src/train/recipe';
import { linearSchedule, stepsPerEpoch } from '../../src/train/schedule';

const cfg = PRESETS.default;

describe('training recipe', () => {
  it("defaults are the study's", () => {
    const lora = resolveRecipe(cfg, { method: 'lora' }).value!;
    assert.deepEqual([lora.beta1, lora.beta2, lora.eps], [0.9, 0.999, 1e-8]);
    assert.deepEqual([lora.batchSize, lora.gradAccumSteps, lora.epochs, lora.warmupRatio], [1, 8, 3, 0.1]);
    assert.deepEqual([lora.loraR, lora.loraAlpha, lora.loraDropout, lora.lr], [16, 32, 0.1, 3e-4]);
    assert.deepEqual(lora.loraTargets, ['q_proj', 'v_proj']);
    assert.equal(resolveRecipe(cfg, { method: 'ia3' }).value!.lr, 3e-4);
    assert.equal(resolveRecipe(cfg, { method: 'full' }).value!.lr, 5e-5);
    const prompt = resolveRecipe(cfg, { method: 'prompt' }).value!;
    assert.deepEqual([prompt.lr, prompt.numVirtualTokens], [3e-3, 20]);
    assert.equal(prompt.maxTokens, Math.min(RECIPE_DEFAULTS.maxTokens, cfg.maxPositions - 20));
  });
  it('reports every bad override instead of throwing', () => {
    const r = resolveRecipe(cfg, { method: 'lora', lr: -1, epochs: 1.5, loraTargets: ['nope'], batchSize: 4 });
    assert.equal(r.value, undefined);
    assert.ok(r.errors.some((e) => e.startsWith('lr')));
    assert.ok(r.errors.some((e) => e.startsWith('epochs')));
    assert.ok(r.errors.some((e) => e.includes('nope')));
    assert.ok(r.errors.some((e) => e.startsWith('batchSize')));
    assert.match(resolveRecipe(cfg, { method: 'bogus' as 'lora' }).errors[0], /method must be one of/);
  });
});

describe('linear schedule with warmup (Hugging Face semantics)', () => {
  it('warms up over ceil(10%) of the steps, then decays linearly to zero', () => {
    const s = linearSchedule(1e-3, 25, 0.1);
    assert.equal(s.warmupSteps, 3);
    assert.equal(s.lrAt(0), 0);
    assert.ok(Math.abs(s.lrAt(1) - 1e-3 / 3) < 1e-15);
    assert.equal(s.lrAt(3), 1e-3);
    assert.ok(Math.abs(s.lrAt(14) - (1e-3 * 11) / 22) < 1e-15);
    assert.equal(s.lrAt(25), 0);
  });
  it('counts one optimizer step per accumulation group plus the epoch remainder', () => {
    assert.equal(stepsPerEpoch(1000, 8), 125);
    assert.equal(stepsPerEpoch(10, 8), 2);
  });
});

describe('AdamW and clipping (values from torch.optim.AdamW / clip_grad_norm_ 1.13)', () => {
  it('matches torch over three steps with weight decay', () => {
    const params = new Map([['p', Float32Array.from([1.0, -2.0, 0.5])]]);
    const opt = new AdamW({ beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.1 }, params);
    const expected = [
      [0.989000022, -1.98800004, 0.489500016],
      [0.991672099, -1.98200989, 0.479688704],
      [0.992047369, -1.97797084, 0.475241989],
    ];
    [[0.1, -0.3, 2.0], [-0.2, 0.1, 1.0], [0.05, 0.05, -1.0]].forEach((g, k) => {
      opt.update(params, new Map([['p', Float32Array.from(g)]]), 0.01);
      params.get('p')!.forEach((v, i) => assert.ok(Math.abs(v - expected[k][i]) < 1e-6, `step ${k + 1} element ${i}: ${v} vs ${expected[k][i]}`));
    });
    assert.equal(opt.state.step, 3);
  });
  it('decays every parameter except norm weights and biases (HF Trainer)', () => {
    for (const n of ['model.norm.weight', 'model.layers.0.input_layernorm.weight', 'model.layers.1.post_attention_layernorm.weight', 'x.bias']) assert.equal(decaysLikeHf(n), false, n);
    for (const n of ['model.layers.0.self_attn.q_proj.weight', 'model.layers.0.self_attn.q_proj.lora_A', 'model.layers.0.mlp.down_proj.ia3_l', 'prompt_embeddings', 'model.embed_tokens.weight']) assert.equal(decaysLikeHf(n), true, n);
  });
  it('clips the global norm like clip_grad_norm_', () => {
    const g = [Float32Array.from([3, 4]), Float32Array.from([12])];
    assert.equal(clipGradNorm(g, 1), 13);
    const want = [0.23076921701431274, 0.307692289352417, 0.923076868057251];
    [...g[0], ...g[1]].forEach((v, i) => assert.ok(Math.abs(v - want[i]) < 1e-6));
  });
});

describe('training data', () => {
  const source = [
    'class Foo {',
    '',
    '\tpublic int bar(int x) {',
    '\t\tint y = x; // a comment; with a semicolon',
    '\t\treturn y + 1;',
    '\t}',
    '',
    '\tpublic Foo();',
    '\tpublic int baz();',
    '\tprivate int count;',
    '',
    '}',
    '',
    'class FooTest {',
    '',
    '\tprivate Foo foo;',
    '\t@Test',
    '\tvoid bar_1() {',
    '',
  ].join('\n');
  const tok = { encode: (s: string) => Array.from(Buffer.from(s, 'utf8')) };

  it('lists one-line class members after the focal method, last first; never the focal method or the test signature', () => {
    assert.deepEqual(trimmableLines(source), [15, 9, 8, 7]);
  });

  it('trims members until the pair fits, keeping the focal method and the whole target', () => {
    const target = '\n\t\tassertEquals(2, new Foo().bar(1));\n\t}\n\n}';
    const full = tok.encode(source).length + tok.encode(target).length;
    const { examples, stats } = encodePairs(tok, [{ source, target }], full - 20);
    assert.equal(stats.trimmed, 1);
    assert.equal(stats.dropped, 0);
    const e = examples[0];
    const text = Buffer.from(e.ids).toString('utf8');
    assert.ok(text.endsWith(target), 'the whole target stays');
    assert.ok(text.includes('\tpublic int bar(int x) {\n\t\tint y = x;'), 'the focal method stays');
    assert.ok(!text.includes('private Foo foo;'), 'the last member went first');
    assert.ok(e.ids.length <= full - 20);
    assert.equal(e.promptLen, e.ids.length - tok.encode(target).length);
  });

  it('drops and counts a pair that cannot fit', () => {
    const { examples, stats } = encodePairs(tok, [{ source, target: 'x'.repeat(500) }, { source: 'a', target: 'b' }], 300);
    assert.equal(stats.dropped, 1);
    assert.equal(examples.length, 1);
  });

  it('puts the loss on target tokens only', () => {
    const { positions, labels } = lossTargets({ ids: [10, 11, 12, 13, 14], promptLen: 3 });
    assert.deepEqual(positions, [2, 3]);
    assert.deepEqual(labels, [13, 14]);
  });

  it('reads JSONL, reporting bad lines with their numbers', () => {
    const f = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tt-data-')), 'pairs.jsonl');
    fs.writeFileSync(f, [JSON.stringify({ source: 's', target: 't', id: 3 }), '{oops', JSON.stringify({ source: 's' }), '', JSON.stringify({ source: 's', target: '  ' })].join('\n'));
    const r = readPairs(f);
    assert.equal(r.pairs.length, 1);
    assert.equal(r.pairs[0].id, '3');
    assert.equal(r.errors.length, 3);
    assert.match(r.errors[0], /:2: not JSON/);
    assert.match(r.errors[1], /:3: expected an object/);
    assert.match(r.errors[2], /:5: empty target/);
    assert.match(readPairs('/nonexistent/x.jsonl').errors[0], /cannot read/);
  });
});
