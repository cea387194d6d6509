// Main sources as language-model data: documents read from JSONL (bad lines named, never a throw),
// cut into chunks of at most maxTokens with loss on every token (promptLen 0), short tails left out,
// and a seeded sample within the token budget; and the repository's main source files as documents
// (test folders and mined test files left out).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { documentsJsonl, mainSourceDocuments } from '../../src/finetune/sources';
import { lossTargets } from '../../src/train/data';
import { chunkDocuments, MIN_CHUNK_TOKENS, readDocuments } from '../../src/train/documents';

/** One token per character: lengths are easy to reason about. */
const charTok = { encode: (t: string) => [...t].map((c) => c.charCodeAt(0)) };

describe('documents as language-model data', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tt-docs-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads JSONL documents and names each bad line', () => {
    const f = path.join(dir, 'docs.jsonl');
    fs.writeFileSync(f, ['{"path":"src/A.java","text":"class A {}"}', 'not json', '{"text": 3}', '', '{"text":"x","id":"B"}'].join('\n'));
    const r = readDocuments(f);
    assert.deepEqual(r.documents, [{ id: 'src/A.java', text: 'class A {}' }, { id: 'B', text: 'x' }]);
    assert.equal(r.errors.length, 2);
    assert.match(r.errors[0], /docs\.jsonl:2: not JSON/);
    assert.match(r.errors[1], /docs\.jsonl:3: expected an object with a string field "text"/);
    assert.match(readDocuments(path.join(dir, 'missing.jsonl')).errors[0], /cannot read .*missing\.jsonl/);
  });

  it('cuts documents into chunks of at most maxTokens, loss on every token, short tails left out', () => {
    const text = 'a'.repeat(250) + 'b'.repeat(40); // 290 tokens: 100 + 100 + 90
    const short = 'c'.repeat(MIN_CHUNK_TOKENS - 1);
    const { examples, stats } = chunkDocuments(charTok, [{ id: 'A', text }, { id: 'S', text: short }], 100, 1e9, 1);
    assert.deepEqual(examples.map((e) => e.ids.length), [100, 100, 90]);
    assert.deepEqual(examples.map((e) => e.id), ['A#0', 'A#1', 'A#2']);
    assert.ok(examples.every((e) => e.promptLen === 0));
    assert.equal(lossTargets(examples[0]).labels.length, 99); // every token after the first is predicted
    assert.deepEqual(stats, { documents: 2, chunks: 3, used: 3, tokens: 290 });
    const tail = chunkDocuments(charTok, [{ text: 'x'.repeat(100 + MIN_CHUNK_TOKENS - 1) }], 100, 1e9, 1);
    assert.equal(tail.examples.length, 1);
  });

  it('keeps a seeded sample of chunks within the token budget, in document order', () => {
    const docs = Array.from({ length: 20 }, (_, i) => ({ id: `D${i}`, text: String.fromCharCode(65 + i).repeat(64) }));
    const a = chunkDocuments(charTok, docs, 64, 64 * 5, 7);
    assert.equal(a.examples.length, 5);
    assert.equal(a.stats.tokens, 320);
    assert.equal(a.stats.chunks, 20);
    const order = a.examples.map((e) => Number(e.id!.slice(1, e.id!.indexOf('#'))));
    assert.deepEqual(order, [...order].sort((x, y) => x - y));
    assert.deepEqual(chunkDocuments(charTok, docs, 64, 64 * 5, 7).examples.map((e) => e.id), a.examples.map((e) => e.id));
    assert.notDeepEqual(chunkDocuments(charTok, docs, 64, 64 * 5, 8).examples.map((e) => e.id), a.examples.map((e) => e.id));
    assert.equal(chunkDocuments(charTok, docs, 64, 0, 7).examples.length, 0);
  });

  it('takes the main source files as documents, never test folders or mined test files', () => {
    const root = path.join(dir, 'repo');
    const put = (rel: string, text: string) => {
      fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
      fs.writeFileSync(path.join(root, rel), text);
    };
    put('src/main/java/p/A.java', 'class A {}');
    put('src/main/java/p/ATest.java', 'class ATest {}'); // a test beside the code (plain layouts)
    put('src/main/java/p/gen/G.java', 'class G {}');
    put('src/test/java/p/BTest.java', 'class BTest {}');
    const project = {
      root,
      mainRoots: [path.join(root, 'src/main/java')],
      testRoots: [path.join(root, 'src/test/java')],
      excludes: { main: ['p/gen/**'], test: [] },
    };
    const m = mainSourceDocuments(project, new Set(['src/main/java/p/ATest.java']));
    assert.deepEqual(m.documents, [{ id: 'src/main/java/p/A.java', text: 'class A {}' }]);
    assert.deepEqual(m.skipped, []);
    // a main root that contains the test root (one folder for both) still leaves the tests out
    const flat = mainSourceDocuments({ ...project, mainRoots: [path.join(root, 'src')], excludes: { main: [], test: [] } });
    assert.deepEqual(flat.documents.map((d) => d.id).sort(), ['src/main/java/p/A.java', 'src/main/java/p/ATest.java', 'src/main/java/p/gen/G.java']);
    assert.equal(documentsJsonl(m.documents), '{"path":"src/main/java/p/A.java","text":"class A {}"}\n');
  });
});
