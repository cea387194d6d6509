// A graph whose weights exceed the 2 GiB an in-memory ONNX model (protobuf) can hold: written with
// external data (writeModelExternal), it loads in ONNX Runtime from its files and computes what it
// should, while the in-memory serialiser refuses it by name. Two float32 tables of 1.07 GiB each (2.15 GiB
// in all), each produced when written and then dropped, so the test process never holds both. In the fault
// tier, not the sidecar tier: it writes 2.3 GB to the temp folder (seconds to tens of seconds).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Graph } from '../../src/onnx/graph';
import { initializerBytes, modelBytes, ONNX_PROTO_LIMIT, writeModelExternal } from '../../src/model/onnx-bytes';
import { createSession, i64 } from '../../src/runtime/ort';

const ROWS = 280_000;
const COLS = 1024; // 1,146,880,000 bytes per table

/** Row r of table t holds r * 2 + t in every column (checkable from any gathered row). */
function table(t: number): Float32Array {
  const a = new Float32Array(ROWS * COLS);
  for (let r = 0; r < ROWS; r++) a.fill(r * 2 + t, r * COLS, (r + 1) * COLS);
  return a;
}

describe('fault: a graph over 2 GiB (ONNX external data)', function () {
  this.timeout(300_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tt-large-graph-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('is refused in memory by name, and written with external data loads in ORT and computes right', async () => {
    const g = new Graph('large');
    const ids = g.input('ids', 'int64', [3]);
    const lazy = new Map<string, () => Float32Array>();
    const tables = [0, 1].map((t) => {
      const name = g.initializer(`table${t}`, { dtype: 'float32', dims: [ROWS, COLS], data: new Float32Array(0) });
      lazy.set(name, () => table(t));
      return name;
    });
    g.output(g.op('Add', [g.op('Gather', [tables[0], ids], { axis: 0 }), g.op('Gather', [tables[1], ids], { axis: 0 })]), 'y', 'float32', [3, COLS]);
    assert.ok(initializerBytes(g) > ONNX_PROTO_LIMIT, `${initializerBytes(g)} bytes`);
    // the in-memory serialiser's refusal, checked on a stand-in whose data has the declared length without 2 GiB of memory behind it
    const standIn = new Graph('standin');
    standIn.initializer('big', { dtype: 'uint8', dims: [ONNX_PROTO_LIMIT + 1], data: { buffer: new ArrayBuffer(0), byteOffset: 0, byteLength: ONNX_PROTO_LIMIT + 1 } as unknown as Uint8Array });
    assert.throws(() => modelBytes(standIn), /the ONNX model would be 2\.00 GiB, over the 2 GiB an in-memory ONNX model can hold \(protobuf\); write it with its weights as external data instead/);
    const files = { graph: path.join(dir, 'large.onnx'), data: path.join(dir, 'large.onnx.data'), location: 'large.onnx.data' };
    const size = writeModelExternal(g, lazy, files, { opset: 18 });
    assert.ok(size > ONNX_PROTO_LIMIT && fs.statSync(files.graph).size < 4096, `data ${size}, graph ${fs.statSync(files.graph).size}`);
    const s = await createSession(files.graph, { provider: 'cpu', threads: 1 });
    const out = await s.run({ ids: i64([0, 123_456, ROWS - 1], [3]) });
    const y = out.y.data as Float32Array;
    assert.deepEqual([y[0], y[COLS + 7], y[2 * COLS + COLS - 1]], [1, 123_456 * 4 + 1, (ROWS - 1) * 4 + 1]);
    await s.release();
  });
});
