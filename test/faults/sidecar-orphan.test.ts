// The sidecar must not outlive its host: the host (a Node process holding the sidecar's three pipes, as
// SidecarClient does) is SIGKILLed while the sidecar starts, loads the model, and generates; the sidecar
// must be gone within 1 s each time. Before the lifeline (src/sidecar/lifeline.ts) it often kept
// running at 50–90% CPU, logging EPIPE errors into its own dead stderr.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { bundleSidecar, killHostTrial, type KillPhase } from './helpers/orphan';
import type { SidecarLaunch } from '../../src/sidecar/client';

const MODEL = path.resolve(__dirname, '../../models/default');

describe('fault: the sidecar exits within 1 s of losing its host', () => {
  // The bundled sidecar, as shipped: from sources under tsx, Node alone needs over a second to start
  // on a loaded machine, before any of the sidecar's code runs.
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'tt-orphan-'));
  let launch: SidecarLaunch;
  before(async () => (launch = await bundleSidecar(out)));
  after(() => fs.rmSync(out, { recursive: true, force: true }));
  const phases: KillPhase[] = ['spawned', 'loading', 'initialized', 'generating', 'generating'];
  for (const [i, phase] of phases.entries()) {
    it(`host killed while the sidecar is ${phase} (trial ${i + 1})`, async () => {
      const t = await killHostTrial({ launch, modelDir: MODEL, phase, delayMs: (i * 37) % 120 });
      assert.ok(t.goneAfterMs !== null, `sidecar ${t.sidecarPid} still ran 3 s after its host was killed (${phase})`);
      assert.ok(t.goneAfterMs <= 1000, `sidecar ${t.sidecarPid} lived ${t.goneAfterMs.toFixed(0)} ms after its host (${phase})`);
    });
  }
});
