// The real sidecar process hosting the real engine on tiny models generated here: initialize, generate
// with streamed partials, cancel mid-generation, responsiveness while generating, adapter load/switch,
// corrupt model and adapter → clear errors, kill during generation → restart replays model + adapter.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { spawn } from 'node:child_process';
import { CancellationTokenSource } from '../../src/sidecar/cancellation';
import { SidecarClient, SidecarCrashedError, sourceSidecarLaunch, bundledSidecarLaunch, type StateChange } from '../../src/sidecar/client';
import { ErrorCodes, RpcError, type SidecarStatus } from '../../src/sidecar/protocol';
import { chain, makeScriptedModel, makeTinyAdapter, makeTinyModel } from './helpers/tiny-model';
import { BracketGuard } from '../../src/java/bracket-guard';
import { lexChar, newLexState } from '../../src/java/lexer';
import { WRAP_UP_SLACK } from '../../src/java/decoding/wrap-up';
import { waitForState } from './helpers/wait-for';

const waitFor = (client: SidecarClient, state: StateChange['state'], ms = 30_000) => waitForState(client, state, ms);

const LONG = { maxNewTokens: 1500, stopWhenBalanced: false } as const;

describe('sidecar protocol with the engine (real process, tiny models)', function () {
  this.timeout(120_000);
  let tmp: string;
  let scripted: string;
  let tiny: string;
  let lora: string;
  const clients: SidecarClient[] = [];
  const client = (modelDir: string, launch = sourceSidecarLaunch()) => {
    const c = new SidecarClient({ launch, initialize: { modelDir, provider: 'cpu' }, backoff: { initialMs: 100 } });
    clients.push(c);
    return c;
  };

  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tt-sidecar-'));
    scripted = path.join(tmp, 'scripted');
    makeScriptedModel(scripted, { ...chain('{x=1;}Q'), Q: 'Q', a: ')', ')': ')' }, { config: { maxPositions: 2048 } });
    tiny = path.join(tmp, 'tiny');
    const { cfg } = makeTinyModel(tiny, { std: 0.3, config: { maxPositions: 2048 } });
    lora = path.join(tmp, 'my-lora');
    makeTinyAdapter(lora, cfg, 'LORA', { std: 0.5 });
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) await c.dispose();
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('initializes, reports status, and streams a generation whose partials add up to the result', async () => {
    const c = client(scripted);
    const statuses: SidecarStatus[] = [];
    c.onDidChangeStatus((s) => statuses.push(s));
    await c.start();
    assert.equal(c.state, 'ready');
    const s = c.status!;
    assert.equal(s.state, 'ready');
    assert.equal(s.model!.name, 'scripted');
    assert.equal(s.provider, 'cpu');
    assert.equal(s.adapter, null);
    assert.ok(s.memory.rssBytes > 10 * 1024 * 1024, `rss ${s.memory.rssBytes}`);
    assert.ok(statuses.some((x) => x.state === 'loading'));

    const deltas: string[] = [];
    const r = await c.generate({ context: 'public void testIt() {', maxNewTokens: 50 }, { onPartial: (d) => deltas.push(d) });
    assert.equal(r.text, 'x=1;}');
    assert.equal(r.stopReason, 'balanced');
    assert.equal(deltas.join(''), r.text);
    const long = await c.generate({ context: 'g(Q', maxNewTokens: 40, stopWhenBalanced: false });
    assert.deepEqual([long.stopReason, long.newTokens], ['max_tokens', 40]);
    assert.ok(statuses.some((x) => x.state === 'generating'));
  });

  it('passes loopGuard through to the decoder: the scripted Q → Q loop stops after two copies', async () => {
    const c = client(scripted);
    await c.start();
    const plain = await c.generate({ context: 'g(Q', maxNewTokens: 12, stopWhenBalanced: false, loopGuard: 0 });
    assert.equal(plain.text, 'Q'.repeat(12));
    const guarded = await c.generate({ context: 'g(Q', maxNewTokens: 12, stopWhenBalanced: false, loopGuard: 3 });
    assert.ok(guarded.text.startsWith('QQ'), guarded.text);
    assert.doesNotMatch(guarded.text, /QQQ/);
    await assert.rejects(c.generate({ context: 'g(Q', maxNewTokens: 12, loopGuard: 2.5 }), /loopGuard/);
  });

  it('passes syntaxGuard through to the decoder: no unmatched `)`, and the method is closed before the limit', async () => {
    const c = client(scripted);
    await c.start();
    const plain = await c.generate({ context: 'void t() {\n  a', maxNewTokens: 16 });
    assert.deepEqual([plain.text, plain.stopReason], [')'.repeat(16), 'max_tokens']);
    const guarded = await c.generate({ context: 'void t() {\n  a', maxNewTokens: 16, syntaxGuard: true });
    assert.equal(guarded.stopReason, 'balanced', guarded.text);
    const brackets = new BracketGuard(1);
    brackets.lenient = true; // the wrap-up ends the statement `aQQ…` as it can: the brackets are what is checked here
    assert.ok(brackets.feed(guarded.text), `every token keeps the brackets: ${JSON.stringify(guarded.text)}`);
    await assert.rejects(c.generate({ context: 'a', maxNewTokens: 4, syntaxGuard: 'on' as unknown as boolean }), /syntaxGuard/);
  });

  it('passes requireCall through: the method does not close before the call, and still closes before the limit', async () => {
    const c = client(scripted);
    await c.start();
    const context = 'void t() {'; // the model writes `x=1;}`
    const plain = await c.generate({ context, maxNewTokens: 24, syntaxGuard: true });
    assert.deepEqual([plain.text, plain.stopReason], ['x=1;}', 'balanced']);
    const ruled = await c.generate({ context, maxNewTokens: 24, syntaxGuard: true, requireCall: 'f' });
    assert.equal(ruled.stopReason, 'balanced', ruled.text);
    assert.ok(ruled.newTokens > 24 - 2 * (WRAP_UP_SLACK + 1), `closed after ${ruled.newTokens} tokens, before the wrap-up zone: ${JSON.stringify(ruled.text)}`);
    assert.ok(new BracketGuard(1).feed(ruled.text), JSON.stringify(ruled.text));
    await assert.rejects(c.generate({ context, maxNewTokens: 4, requireCall: 'a.b' }), /requireCall/);
  });

  it('passes forbiddenNames through: the name is never written in code', async () => {
    const c = client(scripted);
    await c.start();
    const context = 'void t() {';
    const codeNames = (text: string) => {
      const lx = newLexState();
      const names: string[] = [];
      let word = '';
      for (const ch of text + ' ') {
        if (lexChar(lx, ch) === 'code' && /[\w$]/.test(ch)) word += ch;
        else if (word) names.push(word), (word = '');
      }
      return names;
    };
    assert.deepEqual(codeNames((await c.generate({ context, maxNewTokens: 8 })).text), ['x', '1']);
    const r = await c.generate({ context, maxNewTokens: 8, forbiddenNames: ['x'] });
    assert.notEqual(r.text.slice(0, 1), 'x');
    assert.ok(!codeNames(r.text).includes('x'), JSON.stringify(r.text));
    await assert.rejects(c.generate({ context, maxNewTokens: 4, forbiddenNames: ['x y'] }), /forbiddenNames/);
  });

  it('cancels mid-generation, stays responsive while generating, and generates again afterwards', async () => {
    const c = client(scripted);
    await c.start();
    const source = new CancellationTokenSource();
    let deltas = 0;
    let statusDuring: SidecarStatus | undefined;
    const gen = c.generate(
      { context: 'g(Q', ...LONG },
      {
        token: source.token,
        onPartial: () => {
          deltas++;
          if (deltas === 3) {
            void c.request('status', undefined).then((s) => {
              statusDuring = s;
              source.cancel();
            });
          }
        },
      },
    );
    await assert.rejects(gen, (e: RpcError) => {
      assert.equal(e.code, ErrorCodes.RequestCancelled);
      const partial = e.data as { text: string; newTokens: number; stopReason: string };
      assert.equal(partial.stopReason, 'cancelled');
      assert.ok(partial.newTokens < LONG.maxNewTokens, `stopped after ${partial.newTokens} tokens`);
      return true;
    });
    assert.equal(statusDuring?.state, 'generating', 'status answered while the model was generating');
    const again = await c.generate({ context: 'public void testIt() {', maxNewTokens: 20 });
    assert.equal(again.text, 'x=1;}');
  });

  it('queues concurrent generations, routes each one its own partials, and cancels a queued one at once', async () => {
    const c = client(scripted);
    await c.start();
    const a: string[] = [];
    const b: string[] = [];
    const source = new CancellationTokenSource();
    const first = c.generate({ context: 'g(Q', maxNewTokens: 60, stopWhenBalanced: false }, { onPartial: (d) => a.push(d) });
    const second = c.generate({ context: 'void t() {', maxNewTokens: 20 }, { onPartial: (d) => b.push(d) });
    const queued = c.generate({ context: 'g(Q', ...LONG }, { token: source.token });
    source.cancel();
    await assert.rejects(queued, (e: RpcError) => e.code === ErrorCodes.RequestCancelled && (e.data as { text: string }).text === '');
    const [r1, r2] = await Promise.all([first, second]);
    assert.equal(r1.text, 'Q'.repeat(60));
    assert.equal(a.join(''), r1.text);
    assert.equal(r2.text, 'x=1;}');
    assert.equal(b.join(''), r2.text);
  });

  it('loads and switches adapters without a restart; the adapter changes the output, none restores it', async () => {
    const c = client(tiny);
    await c.start();
    const pid = c.pid;
    const prompt = { context: 'public int add(int a, int b) { return a + b; }\n@Test public void testAdd() {', maxNewTokens: 24, stopWhenBalanced: false };
    const base = await c.generate(prompt);
    const info = await c.request('adapters/load', { dir: lora });
    assert.equal(info.name, 'my-lora');
    assert.equal(info.peftType, 'LORA');
    assert.deepEqual((await c.request('adapters/list', undefined)).map((a) => a.name), ['my-lora']);
    const sel = await c.request('adapters/select', { name: 'my-lora' });
    assert.equal(sel.adapter, 'my-lora');
    const adapted = await c.generate(prompt);
    assert.notEqual(adapted.text, base.text);
    assert.equal((await c.generate({ ...prompt, adapter: null })).text, base.text, 'adapter: null = none for this call');
    await c.request('adapters/select', { name: null });
    assert.equal((await c.generate(prompt)).text, base.text);
    await assert.rejects(c.request('adapters/select', { name: 'nope' }), (e: RpcError) => e.code === ErrorCodes.AdapterFailed && /no adapter named 'nope'/.test(e.message));
    assert.equal(c.pid, pid, 'same process throughout');
  });

  it('initialize {adapterDirs, adapter} selects the adapter at load; a name that is not loaded is AdapterFailed with the model usable', async () => {
    const prompt = { context: 'public int add(int a, int b) { return a + b; }\n@Test public void testAdd() {', maxNewTokens: 24, stopWhenBalanced: false };
    const plain = client(tiny);
    await plain.start();
    await plain.request('adapters/load', { dir: lora });
    await plain.request('adapters/select', { name: 'my-lora' });
    const expected = (await plain.generate(prompt)).text;
    const base = (await plain.generate({ ...prompt, adapter: null })).text;
    const c = new SidecarClient({ launch: sourceSidecarLaunch(), initialize: { modelDir: tiny, provider: 'cpu', adapterDirs: [lora], adapter: 'my-lora' }, backoff: { initialMs: 100 } });
    clients.push(c);
    await c.start();
    assert.equal(c.state, 'ready', c.lastError);
    assert.equal(c.status!.adapter, 'my-lora');
    assert.equal((await c.generate(prompt)).text, expected);
    assert.equal((await c.generate({ ...prompt, adapter: null })).text, base, 'the base model still works (its graph is built on first use)');
    await assert.rejects(
      c.request('initialize', { modelDir: tiny, provider: 'cpu', adapter: 'nope' }),
      (e: RpcError) => e.code === ErrorCodes.AdapterFailed && /no adapter named "nope" to select/.test(e.message),
    );
    assert.equal((await c.generate({ ...prompt, adapter: null })).text, base, 'the model loaded anyway');
  });

  it('a corrupt model is a clear error, the sidecar stays up, and a good model loads after it', async () => {
    const bad = path.join(tmp, 'corrupt');
    makeTinyModel(bad);
    const st = path.join(bad, 'model.safetensors');
    fs.writeFileSync(st, fs.readFileSync(st).subarray(0, 3000));
    const c = client(bad);
    await c.start();
    assert.equal(c.state, 'error');
    assert.match(c.lastError!, /cannot load model from .*corrupt.*model\.safetensors.*truncated/);
    await assert.rejects(c.generate({ context: 'x', maxNewTokens: 2 }), (e: RpcError) => e.code === ErrorCodes.NotInitialized && /truncated/.test(e.message));
    await assert.rejects(c.configure({ modelDir: path.join(tmp, 'no-such-model'), provider: 'cpu' }), /cannot load model from .*no-such-model/);
    assert.equal(c.state, 'error');
    const s = await c.configure({ modelDir: scripted, provider: 'cpu' });
    assert.equal(s.state, 'ready');
    assert.equal((await c.generate({ context: 'void t() {', maxNewTokens: 10 })).text, 'x=1;}');
  });

  it('a corrupt adapter is a clear error and the model keeps working', async () => {
    const bad = path.join(tmp, 'bad-adapter');
    fs.cpSync(lora, bad, { recursive: true });
    fs.writeFileSync(path.join(bad, 'adapter_config.json'), '{"peft_type": "LORA", "r": ');
    const c = client(tiny);
    await c.start();
    await assert.rejects(c.request('adapters/load', { dir: bad }), (e: RpcError) => e.code === ErrorCodes.AdapterFailed && /cannot load adapter from .*bad-adapter/.test(e.message));
    await assert.rejects(c.request('adapters/load', { dir: path.join(tmp, 'missing') }), (e: RpcError) => e.code === ErrorCodes.AdapterFailed);
    const r = await c.generate({ context: 'int f() {', maxNewTokens: 5, stopWhenBalanced: false });
    assert.equal(r.newTokens, 5);
  });

  it('killed during a generation: the request fails, the client restarts it and replays model and adapter', async () => {
    const c = client(tiny);
    await c.start();
    await c.request('adapters/load', { dir: lora });
    const gone = path.join(tmp, 'gone-lora');
    fs.cpSync(lora, gone, { recursive: true });
    await c.request('adapters/load', { dir: gone });
    await c.request('adapters/select', { name: 'my-lora' });
    const logs: string[] = [];
    c.onLog((l) => logs.push(l));
    const prompt = { context: 'class A {\n  @Test void t() {', maxNewTokens: 16, stopWhenBalanced: false };
    const before = await c.generate(prompt);
    const pid = c.pid!;
    let killed = false;
    const gen = c.generate({ context: 'g(', ...LONG }, {
      onPartial: () => {
        if (!killed) process.kill(pid, 'SIGKILL');
        killed = true;
      },
    });
    fs.rmSync(gone, { recursive: true, force: true }); // one adapter cannot come back: reported, not fatal
    await assert.rejects(gen, (e: Error) => e instanceof SidecarCrashedError && /killed by SIGKILL/.test(e.message));
    await waitFor(c, 'ready');
    assert.ok(logs.some((l) => /could not restore adapter .*gone-lora/.test(l)), logs.join('\n'));
    assert.deepEqual((await c.request('adapters/list', undefined)).map((a) => a.name), ['my-lora']);
    assert.notEqual(c.pid, pid);
    assert.equal(c.status!.adapter, 'my-lora');
    assert.equal((await c.generate(prompt)).text, before.text);
  });

  it('relative model and adapter paths mean the host\'s working folder, whatever the sidecar\'s', async () => {
    const elsewhere = path.join(tmp, 'elsewhere', 'deeper');
    fs.mkdirSync(elsewhere, { recursive: true });
    const c = client(path.relative(process.cwd(), tiny), { ...sourceSidecarLaunch(), cwd: elsewhere });
    await c.start();
    assert.equal(c.state, 'ready', c.lastError);
    assert.equal(c.status!.model!.dir, tiny);
    const info = await c.request('adapters/load', { dir: path.relative(process.cwd(), lora) });
    assert.equal(info.dir, lora);
  });

  it("initialize {quantize: 'int8'} (then 'int4') loads that graph and status says so; a bad value is InvalidParams", async () => {
    const c = new SidecarClient({ launch: sourceSidecarLaunch(), initialize: { modelDir: scripted, provider: 'cpu', quantize: 'int8' }, backoff: { initialMs: 100 } });
    clients.push(c);
    await c.start();
    assert.equal(c.state, 'ready', c.lastError);
    assert.equal(c.status!.quantize, 'int8');
    assert.equal((await c.generate({ context: 'void t() {', maxNewTokens: 10 })).text, 'x=1;}');
    await assert.rejects(
      c.request('initialize', { modelDir: scripted, provider: 'cpu', quantize: 'fp4' as never }),
      (e: Error & { code?: number }) => e.code === -32602 && /quantize must be one of none, int8, int4/.test(e.message),
    );
    const int4 = await c.request('initialize', { modelDir: scripted, provider: 'cpu', quantize: 'int4' });
    assert.equal(int4.quantize, 'int4');
    assert.equal((await c.generate({ context: 'void t() {', maxNewTokens: 10 })).text, 'x=1;}', 'int4 (MatMulNBits) decodes the scripted text');
    const f32 = await c.request('initialize', { modelDir: scripted, provider: 'cpu' });
    assert.equal(f32.quantize, 'none', 'the default is f32');
  });

  it('stdout carries only protocol lines while ORT tries CUDA (provider auto), loads and generates', async () => {
    const launch = sourceSidecarLaunch();
    const child = spawn(launch.command, launch.args, { env: launch.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (err += c));
    const send = (m: object) => child.stdin.write(JSON.stringify({ jsonrpc: '2.0', ...m }) + '\n');
    send({ id: 1, method: 'initialize', params: { modelDir: scripted, provider: 'auto' } });
    send({ id: 2, method: 'generate', params: { context: 'void t() {', maxNewTokens: 10 } });
    const deadline = Date.now() + 60_000;
    while (!/"id":2,"(result|error)"/.test(out) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    child.stdin.end();
    assert.equal(await new Promise((r) => child.on('close', r)), 0, err);
    const msgs = out.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as { jsonrpc: string; id?: number; method?: string; result?: { text?: string; provider?: string; providerNote?: string } });
    assert.ok(msgs.every((m) => m.jsonrpc === '2.0'));
    const init = msgs.find((m) => m.id === 1)!.result!;
    assert.equal(init.provider === 'cuda' || init.provider === 'cpu', true);
    if (init.provider === 'cpu') assert.match(init.providerNote ?? '', /CUDA/, 'auto fell back to CPU and says why');
    assert.equal(msgs.find((m) => m.id === 2)!.result!.text, 'x=1;}');
    const partials = msgs.filter((m) => m.method === 'generate/partial').map((m) => (m as unknown as { params: { id: number; seq: number; delta: string } }).params);
    assert.deepEqual(partials.map((p) => p.seq), partials.map((_p, i) => i), 'seq counts 0, 1, 2, …');
    assert.equal(partials.map((p) => p.delta).join(''), 'x=1;}');
    assert.ok(out.indexOf('"method":"generate/partial"') < out.indexOf('"id":2,"result"'), 'partials come before the result');
    assert.ok(msgs.some((m) => m.method === 'status'));
  });

  it('bundled like dist/ (sidecar.js + model-worker.js, esbuild) it runs the same protocol', async () => {
    // Bundled here with the entry names of scripts/build.mjs, so this test does not depend on a shared dist/.
    const root = path.resolve(__dirname, '../..');
    const out = path.join(tmp, 'dist');
    await esbuild.build({
      entryPoints: { sidecar: path.join(root, 'src/sidecar/main.ts'), 'model-worker': path.join(root, 'src/sidecar/worker.ts') },
      outdir: out,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      external: ['onnxruntime-node'],
      logLevel: 'error',
    });
    const launch = bundledSidecarLaunch(path.join(out, 'sidecar.js'));
    launch.env = { ...launch.env, NODE_PATH: path.join(root, 'node_modules') }; // the external onnxruntime-node
    const c = client(scripted, launch);
    await c.start();
    assert.equal(c.state, 'ready', c.lastError);
    assert.equal((await c.generate({ context: 'void t() {', maxNewTokens: 10 })).text, 'x=1;}');
  });
});
