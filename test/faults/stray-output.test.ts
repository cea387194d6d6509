// Stray output on the sidecar's stdout must never hang a request: glued to a message it is cut off and
// the message recovered (the same answer as without it); tearing a response apart loses that response,
// and its request then fails at its deadline with a clear message.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SidecarClient, sourceSidecarLaunch } from '../../src/sidecar/client';
import { RequestTimeoutError } from '../../src/sidecar/deadlines';
import { makeTinyModel } from '../sidecar/helpers/tiny-model';
import { strayLaunch, type StrayMode } from './helpers/stray';

const GENERATE_DEADLINE_MS = 2500;

describe('fault: stray output on the sidecar stdout', function () {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tt-stray-'));
  const clients: SidecarClient[] = [];
  let modelDir = '';
  const prompts = ['class A { int f() { return 1; } }', 'class B { void g(int x) {} }', 'class C { String s; }'];
  const baseline: string[] = [];

  before(async () => {
    modelDir = makeTinyModel(path.join(root, 'model')).dir;
    const clean = client(sourceSidecarLaunch());
    for (const p of prompts) baseline.push((await clean.generate({ context: p, maxNewTokens: 40 })).text);
  });
  after(async () => {
    await Promise.all(clients.map((c) => c.dispose()));
    fs.rmSync(root, { recursive: true, force: true });
  });

  function client(launch = sourceSidecarLaunch()): SidecarClient {
    const c = new SidecarClient({
      launch,
      initialize: { modelDir, provider: 'cpu' },
      deadlineMs: (method) => (method === 'generate' ? GENERATE_DEADLINE_MS : 60_000),
    });
    clients.push(c);
    return c;
  }

  for (const mode of ['glue-before', 'glue-after', 'line'] as StrayMode[]) {
    it(`recovers every response with stray output ${mode} it, equal to the clean answers`, async () => {
      const c = client(strayLaunch(sourceSidecarLaunch(), mode));
      const problems: string[] = [];
      c.onLog((l) => l.startsWith('[protocol]') && problems.push(l));
      for (const [i, p] of prompts.entries()) assert.equal((await c.generate({ context: p, maxNewTokens: 40 })).text, baseline[i]);
      assert.ok(problems.some((l) => /stray output glued to a message|not JSON/.test(l)), 'the stray output was not reported');
    });
  }

  it('a torn response fails its request at the deadline with a clear message, each time (no request hangs), and the client stays ready', async () => {
    const c = client(strayLaunch(sourceSidecarLaunch(), 'tear'));
    await c.start();
    for (const p of prompts.slice(0, 2)) {
      const t0 = performance.now();
      await assert.rejects(c.generate({ context: p, maxNewTokens: 40 }), (e: Error) => {
        assert.ok(e instanceof RequestTimeoutError, String(e));
        assert.match(e.message, /generate \(request \d+\) got no answer from the sidecar within 2\.5 s/);
        return true;
      });
      assert.ok(performance.now() - t0 < GENERATE_DEADLINE_MS + 2000, 'the request outlived its deadline');
    }
    assert.equal(c.state, 'ready');
  });
});
