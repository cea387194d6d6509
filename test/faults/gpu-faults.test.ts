// GPU faults in the real sidecar on WebGPU (Mesa's lavapipe, unpacked by scripts/ci/install-vulkan-lavapipe.sh
// into .cache/vulkan/, as in CI): a driver that hangs inside a run or while the model loads, and a device
// lost mid-generation.
// The faults are injected through TESTTUNE_TEST_GPU_FAULT (src/runtime/ort.ts, used only by this test):
// `hang@3` blocks the worker thread inside its 3rd GPU run for good, as a wedged driver blocks a native
// call (no event loop turn, the cancel never seen); `lost@3` makes that run fail as a lost device does;
// `hang-init` blocks it for good inside the creation of its first GPU session (the initialize's load).
// Each request that meets the fault fails with a message saying what happened, before the client's
// deadline, and the next request runs on the CPU with the same adapter, giving the CPU's text; a load that
// hangs is redone on the CPU, so the initialize itself answers before its deadline with a working model.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SidecarClient, sourceSidecarLaunch } from '../../src/sidecar/client';
import { ErrorCodes, RpcError } from '../../src/sidecar/protocol';
import { adapterPath, makeTinyAdapter, makeTinyModel } from '../sidecar/helpers/tiny-model';

const ROOT = path.resolve(__dirname, '../..');
const VULKAN_ENV = path.join(ROOT, '.cache/vulkan/env.sh');
const INSTALL = 'bash scripts/ci/install-vulkan-lavapipe.sh';
/** The client's generate deadline: the sidecar's GPU deadline is then 7 s, a hang is declared 5 s later. */
const GENERATE_DEADLINE_MS = 14_000;
/** The client's initialize deadline in the load-hang test: a GPU load is given up after half of it (10 s). */
const INIT_DEADLINE_MS = 20_000;
const PROMPT = 'public void testAdd() {';

/** The process environment with .cache/vulkan/env.sh applied (the Vulkan loader reads it at start). */
function lavapipeEnv(): NodeJS.ProcessEnv {
  assert.ok(fs.existsSync(VULKAN_ENV), `no software Vulkan driver in .cache/vulkan: run \`${INSTALL}\` from ${ROOT} first`);
  const r = spawnSync('bash', ['-c', `. "${VULKAN_ENV}" && env -0`], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const env: NodeJS.ProcessEnv = {};
  for (const kv of r.stdout.split('\0').filter(Boolean)) env[kv.slice(0, kv.indexOf('='))] = kv.slice(kv.indexOf('=') + 1);
  return env;
}

describe('fault: the GPU hangs or is lost mid-generation (WebGPU on lavapipe)', function () {
  this.timeout(180_000);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tt-gpu-fault-'));
  const clients: SidecarClient[] = [];
  let modelDir = '';
  let lora = '';
  let cpuText = '';

  function client(env: NodeJS.ProcessEnv, provider: 'webgpu' | 'cpu', initializeDeadlineMs = 120_000): SidecarClient {
    const c = new SidecarClient({
      launch: { ...sourceSidecarLaunch(), env },
      initialize: { modelDir, provider, adapterDirs: [lora], adapter: 'lora' },
      deadlineMs: (method) => (method === 'generate' ? GENERATE_DEADLINE_MS : method === 'initialize' ? initializeDeadlineMs : 120_000),
    });
    clients.push(c);
    return c;
  }

  before(async () => {
    const m = makeTinyModel(path.join(root, 'model'));
    modelDir = m.dir;
    lora = adapterPath(m.dir, 'lora');
    makeTinyAdapter(lora, m.cfg, 'LORA');
    // the answer the CPU gives with the adapter: what the request after a fault must produce
    cpuText = (await client({ ...process.env }, 'cpu').generate({ context: PROMPT, maxNewTokens: 12, stopWhenBalanced: false })).text;
  });
  after(async () => {
    await Promise.all(clients.map((c) => c.dispose()));
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('a run that hangs fails its request before the client deadline, saying so; the model is reloaded on the CPU with its adapter', async () => {
    const c = client({ ...lavapipeEnv(), TESTTUNE_TEST_GPU_FAULT: 'hang@3' }, 'webgpu');
    await c.start();
    assert.equal(c.status?.provider, 'webgpu');
    // the host hears of the reload without asking (a status notification: the extension's status bar)
    const reloaded = new Promise<void>((resolve) => {
      const d = c.onDidChangeStatus((st) => {
        if (st.provider !== 'cpu') return;
        d.dispose();
        resolve();
      });
    });
    const t0 = performance.now();
    await assert.rejects(c.generate({ context: PROMPT, maxNewTokens: 12, stopWhenBalanced: false }), (e: Error) => {
      assert.ok(e instanceof RpcError, `not the sidecar's answer: ${e}`);
      assert.equal(e.code, ErrorCodes.GenerateFailed);
      assert.match(e.message, /^generate on WebGPU did not return 5 s after it was cancelled \(a GPU driver hang\?\); the model is reloaded on the CPU for the next request$/);
      return true;
    });
    const ms = performance.now() - t0;
    assert.ok(ms < GENERATE_DEADLINE_MS, `answered after ${ms} ms`);
    await reloaded;
    assert.match(c.status?.providerNote ?? '', /^WebGPU hung: /);
    const next = await c.generate({ context: PROMPT, maxNewTokens: 12, stopWhenBalanced: false });
    assert.equal(next.text, cpuText);
    const s = await c.request('status', undefined);
    assert.equal(s.provider, 'cpu');
    assert.equal(s.adapter, 'lora');
    assert.match(s.providerNote ?? '', /^WebGPU hung: a generate did not return 5 s after its cancel \(a GPU driver hang\?\); the model was reloaded on the CPU$/);
  });

  it('a device lost mid-generation fails that request, saying so; the next runs on the CPU', async () => {
    const c = client({ ...lavapipeEnv(), TESTTUNE_TEST_GPU_FAULT: 'lost@3' }, 'webgpu');
    await c.start();
    assert.equal(c.status?.provider, 'webgpu');
    await assert.rejects(c.generate({ context: PROMPT, maxNewTokens: 12, stopWhenBalanced: false }), (e: Error) => {
      assert.ok(e instanceof RpcError, String(e));
      assert.equal(e.code, ErrorCodes.GenerateFailed);
      assert.match(e.message, /generation failed on WebGPU: WebGPU device lost during a run \(injected by TESTTUNE_TEST_GPU_FAULT\)\. The next request runs on the CPU\./);
      return true;
    });
    const next = await c.generate({ context: PROMPT, maxNewTokens: 12, stopWhenBalanced: false });
    assert.equal(next.text, cpuText);
    const s = await c.request('status', undefined);
    assert.equal(s.provider, 'cpu');
    assert.match(s.providerNote ?? '', /^WebGPU failed during generation \(WebGPU device lost during a run/);
  });

  it('a model load that hangs on the GPU is given up before the initialize deadline, saying so; the model is loaded on the CPU with its adapter', async () => {
    const c = client({ ...lavapipeEnv(), TESTTUNE_TEST_GPU_FAULT: 'hang-init' }, 'webgpu', INIT_DEADLINE_MS);
    const t0 = performance.now();
    await c.start();
    const ms = performance.now() - t0;
    assert.equal(c.state, 'ready', `initialize did not answer with a model: ${c.lastError}`);
    assert.ok(ms < INIT_DEADLINE_MS, `answered after ${ms} ms`);
    assert.equal(c.status?.provider, 'cpu');
    assert.equal(c.status?.adapter, 'lora');
    assert.match(c.status?.providerNote ?? '', /^WebGPU hung: loading the model did not finish within 10 s \(a GPU driver hang\?\); the model was loaded on the CPU$/);
    const next = await c.generate({ context: PROMPT, maxNewTokens: 12, stopWhenBalanced: false });
    assert.equal(next.text, cpuText);
    const s = await c.request('status', undefined);
    assert.equal(s.provider, 'cpu');
    assert.match(s.providerNote ?? '', /^WebGPU hung: loading the model/);
  });
});
