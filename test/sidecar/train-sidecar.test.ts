// The sidecar's train/* methods over a real JSON-RPC connection pair (in process): train/start streams
// train/progress notifications and returns the summary; $/cancelRequest stops it with the checkpoint
// kept; bad params are InvalidParams errors.
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { RpcConnection } from '../../src/sidecar/connection';
import { registerTrainHandlers, type TrainProgress, type TrainStartResult } from '../../src/train/sidecar-handlers';
import { makeTinyModel } from './helpers/tiny-model';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tt-train-rpc-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));

function pair(): { client: RpcConnection; server: RpcConnection } {
  let server!: RpcConnection;
  const client = new RpcConnection((t) => setImmediate(() => server.feed(t)));
  server = new RpcConnection((t) => setImmediate(() => client.feed(t)));
  registerTrainHandlers(server);
  return { client, server };
}

describe('sidecar train/* methods', () => {
  const model = path.join(root, 'model');
  const data = path.join(root, 'pairs.jsonl');
  before(() => {
    makeTinyModel(model);
    fs.writeFileSync(data, Array.from({ length: 8 }, (_, i) => JSON.stringify({ source: `class A${i} { int f() { return ${i}; } }\nclass T {\n\tvoid t() {\n`, target: `\t\tassertEquals(${i}, f());\n\t}\n}` })).join('\n'));
  });

  it('train/start streams progress and returns the summary', async () => {
    const { client } = pair();
    const events: TrainProgress[] = [];
    client.onNotification('train/progress', (p) => void events.push(p as TrainProgress));
    const res = (await client.request('train/start', { modelDir: model, data, outDir: path.join(root, 'a'), method: 'ia3', maxSteps: 2 })) as TrainStartResult;
    assert.equal(res.status, 'completed');
    assert.equal(res.steps, 2);
    assert.deepEqual(events.map((e) => e.step), [1, 2]);
    assert.ok(events.every((e) => Number.isFinite(e.loss) && e.tokensPerSec > 0 && e.totalSteps === 2));
    assert.ok(fs.existsSync(res.reportPath));
  });

  it('cancelling the request stops training and keeps the last checkpoint', async () => {
    const { client } = pair();
    const ac = new AbortController();
    const out = path.join(root, 'b');
    client.onNotification('train/progress', () => ac.abort());
    const res = (await client.request('train/start', { modelDir: model, data, outDir: out, method: 'lora', epochs: 3 }, ac.signal)) as TrainStartResult;
    assert.equal(res.status, 'cancelled');
    assert.ok(res.steps < res.totalSteps);
    assert.ok(fs.existsSync(path.join(out, 'checkpoint', 'trainer_state.json')), 'the first step is checkpointed at the end of epoch 1 or by --save-every');
  });

  it('rejects bad params with InvalidParams', async () => {
    const { client } = pair();
    await assert.rejects(client.request('train/start', { modelDir: model, data, method: 'qlora' }), (e: Error & { code?: number }) => e.code === -32602 && /outDir must be a non-empty string; method must be one of/.test(e.message));
  });
});
