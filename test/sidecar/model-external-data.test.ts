// Graphs written with ONNX external data (onnx-bytes.ts writeModelExternal, variant-session.ts): ONNX
// Runtime loads them from the files with the same logits as the in-memory graph; large initializers
// sit at page-aligned offsets of the data file and small ones stay in the graph; the engine stores a
// large graph as two cache files (data renamed first), reuses them, and leaves nothing behind without
// a cache. (A graph over 2 GiB: test/faults/large-graph.test.ts.)
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadEngine } from '../../src/model/engine';
import { graphCacheDirs } from '../../src/model/graph-cache';
import { buildInferenceGraph, buildInferenceModel, INFERENCE_OPSET, KvRunner } from '../../src/model/inference';
import { initWeights } from '../../src/model/init';
import { initializerBytes, writeModelExternal } from '../../src/model/onnx-bytes';
import { createSession } from '../../src/runtime/ort';
import { chain, makeScriptedModel, tinyConfig } from './helpers/tiny-model';
import { maxDiff } from './helpers/ort-logits';

const IDS = [3, 17, 99, 42, 250, 7];

describe('ONNX external data', function () {
  this.timeout(60_000);
  let tmp: string;
  before(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tt-extdata-'))));
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const cfg = tinyConfig();
  const w = initWeights(cfg, 5, 0.08);

  async function logits(model: Uint8Array | string, graph: ReturnType<typeof buildInferenceGraph>['graph']): Promise<Float32Array> {
    const s = await createSession(model, { provider: 'cpu', threads: 1 });
    try {
      const r = new KvRunner(s, cfg, graph, 32);
      await r.step(IDS);
      return Float32Array.from(r.lastOutput);
    } finally {
      await s.release();
    }
  }

  for (const quantize of ['none', 'int4'] as const)
    it(`${quantize}: the files load in ORT with the in-memory graph's logits; data page-aligned, small tensors inline`, async () => {
      const mem = buildInferenceModel(cfg, w, {}, 'all', quantize);
      const ig = buildInferenceGraph(cfg, w, {}, 'all', quantize);
      const declared = initializerBytes(ig.g);
      const dir = fs.mkdtempSync(path.join(tmp, quantize));
      const files = { graph: path.join(dir, 'm.onnx'), data: path.join(dir, 'weights.bin'), location: 'weights.bin' };
      const dataSize = writeModelExternal(ig.g, ig.lazy, files, { opset: INFERENCE_OPSET });
      assert.equal(fs.statSync(files.data).size, dataSize);
      assert.ok(dataSize >= declared * 0.5 && dataSize < declared + 4096 * ig.g.initializers.size, `data ${dataSize} for ${declared} declared bytes`);
      assert.ok(fs.statSync(files.graph).size < mem.bytes.length / 4, 'the graph file holds no large weights');
      assert.equal(maxDiff(await logits(files.graph, ig.graph), await logits(mem.bytes, mem.graph)), 0);
      // every externally stored tensor's offset is a multiple of 4096
      const text = fs.readFileSync(files.graph).toString('latin1');
      const offsets = [...text.matchAll(/offset\x12(.)(\d+)/g)].map((m) => Number(m[2]));
      assert.ok(offsets.length > 0 && offsets.every((o) => o % 4096 === 0), `offsets ${offsets.slice(0, 5)}`);
    });

  it('a location that is not a plain file name is refused by name', () => {
    const ig = buildInferenceGraph(cfg, w, {}, 'last');
    assert.throws(() => writeModelExternal(ig.g, ig.lazy, { graph: path.join(tmp, 'x.onnx'), data: path.join(tmp, 'x.data'), location: '../x.data' }), /location must be a file name beside the graph, not \.\.\/x\.data/);
  });

  it('the engine: a graph over the threshold is cached as graph + data files, reused, and without a cache leaves no file', async () => {
    const dir = path.join(tmp, 'scripted');
    makeScriptedModel(dir, { ...chain('{x=1;}Q'), Q: 'Q' });
    const cacheDir = graphCacheDirs(dir)[0];
    const mtimes: number[] = [];
    for (let i = 0; i < 2; i++) {
      const engine = await loadEngine(dir, { provider: 'cpu', externalDataAbove: 0 });
      const r = await engine.generate('public void testIt() {', { maxNewTokens: 5 });
      assert.equal(r.text, 'x=1;}');
      await engine.dispose();
      const files = fs.readdirSync(cacheDir).sort();
      assert.equal(files.length, 2, files.join(' '));
      assert.match(files[0], /^decoder-f32_bare-[0-9a-f]{24}\.onnx$/);
      assert.equal(files[1], `${files[0]}.data`);
      mtimes.push(fs.statSync(path.join(cacheDir, files[1])).mtimeMs);
    }
    assert.equal(mtimes[1], mtimes[0], 'the second load used the cached files');
    const before = fs.readdirSync(os.tmpdir()).filter((f) => f.startsWith('testtune-graph-')).length;
    const engine = await loadEngine(dir, { provider: 'cpu', externalDataAbove: 0, cache: false, quantize: 'int4' });
    assert.equal((await engine.generate('public void testIt() {', { maxNewTokens: 5 })).text, 'x=1;}');
    await engine.dispose();
    assert.equal(fs.readdirSync(os.tmpdir()).filter((f) => f.startsWith('testtune-graph-')).length, before, 'the scratch files are gone');
    assert.equal(fs.readdirSync(cacheDir).length, 2, 'cache: false wrote nothing to the cache');
  });
});
