// The code lenses' Java analysis runs on a worker thread (java/analysis-thread.ts): it answers like the
// in-thread functions, and the calling thread keeps running its timers while a large file is parsed
// (on the calling thread, a parse holds it for the whole call and no timer fires in between).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { JavaAnalysisThread } from '../../src/java/analysis-thread';
import { buildContext } from '../../src/java/context';
import { listMethods } from '../../src/java/methods';

const ROOT = path.resolve(__dirname, '../..');
const CALC = path.join(ROOT, 'examples/calculator/src/main/java/com/example/calculator/Calculator.java');

describe('fault: Java analysis off the calling thread', function () {
  this.timeout(60_000);
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'tt-java-worker-'));
  let thread: JavaAnalysisThread;

  before(async () => {
    // The worker bundled the way scripts/build.mjs bundles dist/java-worker.js, with the wasm files beside it.
    await esbuild.build({
      entryPoints: { 'java-worker': path.join(ROOT, 'src/java/analysis-worker.ts') },
      outdir: out,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      alias: { 'web-tree-sitter': require.resolve('web-tree-sitter') },
      logLevel: 'error',
    });
    fs.copyFileSync(require.resolve('web-tree-sitter/web-tree-sitter.wasm'), path.join(out, 'web-tree-sitter.wasm'));
    fs.copyFileSync(path.join(path.dirname(require.resolve('tree-sitter-java/package.json')), 'tree-sitter-java.wasm'), path.join(out, 'tree-sitter-java.wasm'));
    thread = new JavaAnalysisThread(path.join(out, 'java-worker.js'));
  });
  after(() => {
    thread.dispose();
    fs.rmSync(out, { recursive: true, force: true });
  });

  it('answers listMethods and buildContext like the in-thread functions', async () => {
    const src = fs.readFileSync(CALC, 'utf8');
    assert.deepEqual(await thread.listMethods(src), await listMethods(src));
    assert.deepEqual(await thread.buildContext(src, { name: 'add' }), await buildContext(src, { name: 'add' }));
  });

  it('leaves the calling thread free while a file of 10,000 nested classes is analysed', async () => {
    const nested = Array.from({ length: 10_000 }, (_, i) => `class C${i}{`).join('') + 'int f(){return 1;}' + '}'.repeat(10_000);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    try {
      const listing = await thread.listMethods(nested);
      assert.equal(listing.methods.length, 1);
      assert.equal(listing.methods[0].enclosingType.split('.').length, 10_000);
    } finally {
      clearInterval(timer);
    }
    assert.ok(ticks > 0, 'no timer fired during the analysis: it ran on the calling thread');
  });
});
