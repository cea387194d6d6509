// loadEngine (through loadJavaEngine, as every creator of an engine) end to end on generated model directories: greedy decoding with the brace/EOS/max-token
// stops (a scripted model whose greedy continuation is known), cancellation, adapters found at load,
// adapter switching without a session reload, and clear errors for corrupt models.
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadJavaEngine } from '../../src/generation/java-engine';
import { loadEngine } from '../../src/model/engine';
import { graphCacheDirs } from '../../src/model/graph-cache';
import { userCacheDir } from '../../src/util/cache-dir';
import { int8WeightMax } from '../../src/runtime/int8-range';
import { adapterPath, chain, makeScriptedModel, makeTinyAdapter, makeTinyModel } from './helpers/tiny-model';

describe('model engine', function () {
  this.timeout(60_000);
  let tmp: string;
  before(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tt-engine-'))));
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('stops when the test method braces balance, and streams exactly the returned text', async () => {
    const dir = path.join(tmp, 'scripted');
    makeScriptedModel(dir, { ...chain('{x=1;}Q'), Q: 'Q' });
    const engine = await loadJavaEngine(dir, { provider: 'cpu' });
    const streamed: string[] = [];
    const r = await engine.generate('public void testIt() {', { maxNewTokens: 50, onText: (d) => streamed.push(d) });
    assert.equal(r.text, 'x=1;}');
    assert.equal(r.stopReason, 'balanced');
    assert.equal(streamed.join(''), r.text);
    assert.equal(r.newTokens, 5);
    assert.equal(r.promptTokens, 'public void testIt() {'.length);
    const status = engine.status();
    assert.equal(status.provider, 'cpu');
    assert.ok(status.rssBytes > 0);
    await engine.dispose();
  });

  it('without a decoding factory decodes plain greedy and refuses options only a factory can honour', async () => {
    const dir = path.join(tmp, 'scripted-plain');
    makeScriptedModel(dir, { ...chain('{x=1;}Q'), Q: 'Q' });
    const engine = await loadEngine(dir, { provider: 'cpu' });
    const r = await engine.generate('public void testIt() {', { maxNewTokens: 7 });
    assert.equal(r.text, 'x=1;}QQ', 'no brace stop without the Java factory');
    assert.equal(r.stopReason, 'max_tokens');
    await assert.rejects(engine.generate('{', { maxNewTokens: 4, syntaxGuard: true, loopGuard: 3 }), /generate: loopGuard, syntaxGuard need a decoding factory/);
    await assert.rejects(engine.generate('{', { maxNewTokens: 4, repetitionPenalty: 1.2 }), /repetitionPenalty need a decoding factory/);
    await assert.rejects(engine.generate('{', { maxNewTokens: 4, stopWhenBalanced: true }), /stopWhenBalanced need a decoding factory/);
    await engine.dispose();
  });

  it("quantize: 'int8' builds a separate (cached) graph that decodes the same scripted text; f32 and int8 files live side by side", async () => {
    const dir = path.join(tmp, 'scripted-int8');
    makeScriptedModel(dir, { ...chain('{x=1;}Q'), Q: 'Q' });
    const cacheDir = graphCacheDirs(dir)[0];
    const int8Prefix = `decoder-int8_${int8WeightMax()}_bare-`; // the CPU's int8 weight range names the variant
    const onnx = () => fs.readdirSync(cacheDir).filter((f) => f.endsWith('.onnx')).sort();
    const int8Mtimes: number[] = [];
    for (const quantize of ['int8', 'none', 'int8', 'none'] as const) {
      const engine = await loadJavaEngine(dir, { provider: 'cpu', quantize });
      assert.equal(engine.status().quantize, quantize);
      const r = await engine.generate('public void testIt() {', { maxNewTokens: 50 });
      assert.deepEqual([r.text, r.stopReason], ['x=1;}', 'balanced']);
      await engine.dispose();
      if (quantize === 'int8') int8Mtimes.push(fs.statSync(path.join(cacheDir, onnx().find((f) => f.startsWith(int8Prefix))!)).mtimeMs);
    }
    const files = onnx();
    assert.equal(files.length, 2, files.join(' '));
    assert.match(files[0], /^decoder-f32_bare-[0-9a-f]{24}\.onnx$/);
    assert.ok(files[1].startsWith(int8Prefix) && /-[0-9a-f]{24}\.onnx$/.test(files[1]), files[1]);
    assert.deepEqual(int8Mtimes, [int8Mtimes[0], int8Mtimes[0]], 'switching back to int8 was a cache hit');
    assert.ok(fs.statSync(path.join(cacheDir, files[1])).size < fs.statSync(path.join(cacheDir, files[0])).size, 'the int8 graph is smaller');
  });

  it("quantize: 'int4' (MatMulNBits) decodes the same scripted text from its own cached graph, smaller than f32's", async () => {
    const dir = path.join(tmp, 'scripted-int4');
    makeScriptedModel(dir, { ...chain('{x=1;}Q'), Q: 'Q' });
    const cacheDir = graphCacheDirs(dir)[0];
    for (const quantize of ['int4', 'none'] as const) {
      const engine = await loadJavaEngine(dir, { provider: 'cpu', quantize });
      assert.equal(engine.status().quantize, quantize);
      const r = await engine.generate('public void testIt() {', { maxNewTokens: 50 });
      assert.deepEqual([r.text, r.stopReason], ['x=1;}', 'balanced'], quantize);
      await engine.dispose();
    }
    const files = fs.readdirSync(cacheDir).filter((f) => f.endsWith('.onnx')).sort();
    assert.match(files[0], /^decoder-f32_bare-[0-9a-f]{24}\.onnx$/);
    assert.match(files[1], /^decoder-int4_b32s_l4_bare-[0-9a-f]{24}\.onnx$/);
    assert.ok(fs.statSync(path.join(cacheDir, files[1])).size < fs.statSync(path.join(cacheDir, files[0])).size, 'the int4 graph is smaller');
  });

  it('defer: nothing is built at load (status says so); generate builds the variant it needs', async () => {
    const dir = path.join(tmp, 'deferred');
    makeScriptedModel(dir, { ...chain('{x=1;}Q'), Q: 'Q' });
    const engine = await loadJavaEngine(dir, { provider: 'cpu', defer: true, cache: false });
    assert.match(engine.status().providerNote ?? '', /no session yet/);
    assert.equal(fs.existsSync(graphCacheDirs(dir)[0]), false);
    const r = await engine.generate('public void testIt() {', { maxNewTokens: 50 });
    assert.deepEqual([r.text, r.stopReason], ['x=1;}', 'balanced']);
    assert.equal(engine.status().provider, 'cpu');
    assert.equal(engine.status().providerNote, undefined);
    await engine.dispose();
  });

  it('stops at EOS, at max tokens, and on cancel within one step', async () => {
    const dir = path.join(tmp, 'eos');
    makeScriptedModel(dir, { ...chain('{ab'), b: '<eos>', '(': 'Q', Q: 'Q' });
    const engine = await loadJavaEngine(dir, { provider: 'cpu' });
    const eos = await engine.generate('void f() {', { maxNewTokens: 20 });
    assert.deepEqual([eos.text, eos.stopReason], ['ab', 'eos']);
    const max = await engine.generate('g(', { maxNewTokens: 7 });
    assert.deepEqual([max.text, max.stopReason, max.newTokens], ['QQQQQQQ', 'max_tokens', 7]);
    const ac = new AbortController();
    let deltas = 0;
    const cancelled = await engine.generate('g(', {
      maxNewTokens: 100,
      signal: ac.signal,
      onText: () => {
        if (++deltas === 3) ac.abort();
      },
    });
    assert.deepEqual([cancelled.stopReason, cancelled.newTokens], ['cancelled', 3]);
    await engine.dispose();
  });

  it('loads adapters from <model>/adapters, switches them without reloading, and each changes the output', async () => {
    const dir = path.join(tmp, 'adapters');
    const { cfg } = makeTinyModel(dir, { std: 0.3 });
    makeTinyAdapter(adapterPath(dir, 'lora'), cfg, 'LORA', { std: 0.5 });
    makeTinyAdapter(adapterPath(dir, 'ia3'), cfg, 'IA3', { std: 1 });
    makeTinyAdapter(adapterPath(dir, 'prompt'), cfg, 'PROMPT_TUNING', { p: 4, std: 2 });
    fs.mkdirSync(adapterPath(dir, 'broken'));
    fs.writeFileSync(path.join(adapterPath(dir, 'broken'), 'adapter_config.json'), '{"peft_type": "LORA"');
    const engine = await loadJavaEngine(dir, { provider: 'cpu' });
    assert.deepEqual(engine.listAdapters().map((a) => `${a.name}:${a.peftType}`).sort(), ['ia3:IA3', 'lora:LORA', 'prompt:PROMPT_TUNING']);
    assert.equal(engine.adapterErrors.length, 1);
    assert.match(engine.adapterErrors[0], /broken.*not valid JSON/);
    type Variants = { variants: { bare?: { session: object }; adapted?: { session: object } } };
    const sessions = () => { const v = (engine as unknown as Variants).variants; return [v.bare?.session, v.adapted?.session]; };
    const opts = { maxNewTokens: 12, stopWhenBalanced: false };
    const prompt = 'class A { void t() {';
    const base = (await engine.generate(prompt, { ...opts, adapter: null })).text;
    assert.equal((await engine.generate(prompt, { ...opts, adapter: null })).text, base, 'greedy decoding is deterministic');
    const outs = new Set([base]);
    const [bare] = sessions();
    assert.ok(bare, 'the base model runs on the bare graph (no adapter slots)');
    for (const name of ['lora', 'ia3', 'prompt']) {
      engine.selectAdapter(name);
      assert.equal(engine.status().adapter, name);
      outs.add((await engine.generate(prompt, opts)).text);
    }
    assert.equal(outs.size, 4, `each adapter changes the greedy output: ${[...outs].map((s) => JSON.stringify(s)).join(' ')}`);
    const [bare2, adapted] = sessions();
    assert.ok(adapted && bare2 === bare);
    engine.selectAdapter(null);
    assert.equal((await engine.generate(prompt, opts)).text, base);
    engine.selectAdapter('lora');
    await engine.generate(prompt, opts);
    assert.deepEqual(sessions(), [bare, adapted], 'no session reload when switching');
    assert.throws(() => engine.selectAdapter('nope'), /no adapter named 'nope'/);
    await engine.dispose();
  });

  it('an adapter with new LoRA targets is accepted (the one case that rebuilds the session)', async () => {
    const dir = path.join(tmp, 'newtargets');
    const { cfg } = makeTinyModel(dir);
    const engine = await loadJavaEngine(dir, { provider: 'cpu' });
    const info = await engine.loadAdapter(makeTinyAdapterDir(tmp, cfg));
    assert.equal(info.peftType, 'LORA');
    engine.selectAdapter(info.name);
    const r = await engine.generate('void t() {', { maxNewTokens: 4, stopWhenBalanced: false });
    assert.equal(r.newTokens, 4);
    await engine.dispose();
  });

  it('caches the generated graph: a second load reuses it; a damaged cache file is rebuilt', async () => {
    const dir = path.join(tmp, 'cache');
    makeTinyModel(dir, { std: 0.3 });
    const opts = { maxNewTokens: 8, stopWhenBalanced: false };
    const e1 = await loadJavaEngine(dir, { provider: 'cpu' });
    const first = (await e1.generate('int f() {', opts)).text;
    await e1.dispose();
    const cacheDir = graphCacheDirs(dir)[0];
    const files = fs.readdirSync(cacheDir).filter((f) => f.endsWith('.onnx'));
    assert.equal(files.length, 1);
    assert.deepEqual(fs.readdirSync(dir).sort(), ['config.json', 'model.safetensors', 'tokenizer.json'], 'nothing is written into the model folder');
    assert.ok(cacheDir.startsWith(userCacheDir() + path.sep), `${cacheDir} is in the user's cache`);
    assert.equal(userCacheDir({ XDG_CACHE_HOME: '/x/cache' }), path.join('/x/cache', 'testtune'));
    assert.equal(userCacheDir({ XDG_CACHE_HOME: 'relative/cache' }), path.join(os.homedir(), '.cache', 'testtune'), 'a relative XDG_CACHE_HOME is ignored (XDG spec)');
    fs.rmSync(path.join(dir, 'model.safetensors.bak'), { force: true });
    fs.renameSync(path.join(dir, 'model.safetensors'), path.join(dir, 'model.safetensors.bak'));
    fs.writeFileSync(path.join(dir, 'model.safetensors'), ''); // unread on a cache hit… but the key sees the size change
    await assert.rejects(loadJavaEngine(dir, { provider: 'cpu' }), /too short/);
    fs.renameSync(path.join(dir, 'model.safetensors.bak'), path.join(dir, 'model.safetensors'));
    fs.utimesSync(path.join(dir, 'model.safetensors'), new Date(), new Date());
    const e2 = await loadJavaEngine(dir, { provider: 'cpu' });
    assert.equal((await e2.generate('int f() {', opts)).text, first);
    await e2.dispose();
    const f2 = fs.readdirSync(cacheDir).filter((f) => f.endsWith('.onnx'));
    assert.equal(f2.length, 1);
    const e3 = await loadJavaEngine(dir, { provider: 'cpu' }); // cache hit
    assert.equal((await e3.generate('int f() {', opts)).text, first);
    await e3.dispose();
    fs.writeFileSync(path.join(cacheDir, f2[0]), 'garbage');
    const e4 = await loadJavaEngine(dir, { provider: 'cpu' }); // damaged cache: rebuilt
    assert.equal((await e4.generate('int f() {', opts)).text, first);
    await e4.dispose();
  });

  it("provider 'auto', 'cuda' and 'webgpu' fall back to CPU with a note when the GPU provider is unavailable", async () => {
    const dir = path.join(tmp, 'provider');
    makeTinyModel(dir);
    const notes = { auto: /^auto: CUDA: .*running on CPU$/, cuda: /^CUDA requested: CUDA: .*running on CPU$/, webgpu: /^WebGPU requested: WebGPU: .*running on CPU$/ };
    for (const provider of ['auto', 'cuda', 'webgpu'] as const) {
      const engine = await loadJavaEngine(dir, { provider });
      const st = engine.status();
      if (st.provider === 'cpu') assert.match(st.providerNote ?? '', notes[provider]);
      else assert.equal(st.provider, provider === 'auto' ? 'cuda' : provider);
      assert.equal((await engine.generate('{', { maxNewTokens: 2, stopWhenBalanced: false })).newTokens, 2);
      await engine.dispose();
    }
    const cpu = await loadJavaEngine(dir, { provider: 'cpu' });
    assert.deepEqual([cpu.status().provider, cpu.status().providerNote], ['cpu', undefined]);
    await cpu.dispose();
  });

  it('a corrupt model is a clear error', async () => {
    const dir = path.join(tmp, 'corrupt');
    makeTinyModel(dir);
    const st = path.join(dir, 'model.safetensors');
    fs.writeFileSync(st, fs.readFileSync(st).subarray(0, 5000));
    await assert.rejects(loadJavaEngine(dir, { provider: 'cpu' }), /model\.safetensors: the header places tensor data up to byte \d+, but the file has 5000 bytes; the file is truncated/);
    fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ model_type: 'gpt9', hidden_size: 64 }));
    await assert.rejects(loadJavaEngine(dir, { provider: 'cpu' }), /model_type "gpt9" is not supported/);
    const dir2 = path.join(tmp, 'mismatch');
    makeTinyModel(dir2);
    const c = JSON.parse(fs.readFileSync(path.join(dir2, 'config.json'), 'utf8'));
    fs.writeFileSync(path.join(dir2, 'config.json'), JSON.stringify({ ...c, intermediate_size: 96 }));
    await assert.rejects(loadJavaEngine(dir2, { provider: 'cpu' }), /tensor 'model\.layers\.0\.mlp\.gate_proj\.weight' has shape \[128,64\], config\.json implies \[96,64\]/);
  });
});

function makeTinyAdapterDir(tmp: string, cfg: Parameters<typeof makeTinyAdapter>[1]): string {
  const dir = path.join(tmp, 'lora-all');
  makeTinyAdapter(dir, cfg, 'LORA', { targets: ['q_proj', 'o_proj', 'up_proj', 'down_proj'] });
  return dir;
}
