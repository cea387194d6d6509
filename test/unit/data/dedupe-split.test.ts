import * as assert from 'node:assert/strict';
import { dedupeRecords, FileDeduper, stripJavaComments, minhash, similarity } from '../../../src/data/dedupe';
import { splitByRepository, splitByClass, partOfRepository } from '../../../src/data/split';

const JAVA = Array.from({ length: 40 }, (_, i) => `    public int method${i}(int x) {\n        return x * ${i} + helper(x, "s${i}");\n    }\n`).join('\n');
const FILE = `package a.b;\n\n/** Licence header. */\npublic class Big {\n${JAVA}}\n`;

describe('deduplication', () => {
  it('drops pairs whose source and target differ only in whitespace', () => {
    const recs = [
      { source: 'class A {\n  void f() {', target: '  x();\n}\n}', id: 1 },
      { source: 'class A { void f() {', target: ' x(); } }', id: 2 },
      { source: 'class A { void f() {', target: ' y(); } }', id: 3 },
    ];
    const { kept, dropped } = dedupeRecords(recs);
    assert.deepEqual(kept.map((r) => r.id), [1, 3]);
    assert.deepEqual(dropped.map((r) => r.id), [2]);
    const seen = new Set<string>();
    dedupeRecords(recs.slice(0, 1), seen);
    assert.equal(dedupeRecords(recs.slice(1), seen).kept.length, 1); // shared across calls
  });

  it('strips comments but keeps string literals', () => {
    assert.equal(stripJavaComments('int a = 1; // one\n/* two */ String s = "// not a comment";'), 'int a = 1; String s = "// not a comment";');
  });

  it('finds exact, comment/whitespace-only and near duplicates, and keeps distinct files', () => {
    const d = new FileDeduper();
    assert.equal(d.check(FILE), undefined);
    assert.equal(d.check(FILE), 'exact');
    assert.equal(d.check(FILE.replace('/** Licence header. */', '// other header').replace(/\n/g, '\r\n')), 'normalised');
    assert.equal(d.check(FILE.replace('return x * 7 +', 'return x * 70 +')), 'near');
    const other = FILE.replace(/method(\d+)/g, 'other$1').replace(/helper/g, 'compute').replace(/\* (\d+)/g, '- $1');
    assert.equal(d.check(other), undefined);
    assert.deepEqual(d.counts, { exact: 1, normalised: 1, near: 1, kept: 2 });
  });

  it('estimates similarity with MinHash', () => {
    const a = minhash(stripJavaComments(FILE));
    assert.equal(similarity(a, a), 1);
    const unrelated = Array.from({ length: 40 }, (_, i) => `  static String name${i}(List<String> xs) { for (String x : xs) if (x.isEmpty()) throw new IllegalStateException(); return xs.get(${i}); }`).join('\n');
    const b = minhash(stripJavaComments(`class Other {\n${unrelated}\n}`));
    assert.ok(similarity(a, b) < 0.2, String(similarity(a, b)));
  });
});

describe('splits', () => {
  const recs = Array.from({ length: 400 }, (_, i) => ({ repository: `repo${i % 40}`, focal_class: `C${i % 13}`, i }));

  it('keeps each repository in one part, deterministically', () => {
    const s = splitByRepository(recs, { valid: 0.2, test: 0.1, seed: 1 });
    assert.equal(s.train.length + s.valid.length + s.test.length, recs.length);
    const part = new Map<string, string>();
    for (const [name, list] of Object.entries(s)) {
      for (const r of list) {
        assert.ok(!part.has(r.repository) || part.get(r.repository) === name, r.repository);
        part.set(r.repository, name);
        assert.equal(partOfRepository(r.repository, { valid: 0.2, test: 0.1, seed: 1 }), name);
      }
    }
    assert.ok(s.valid.length > 0 && s.test.length > 0 && s.train.length > s.valid.length);
    assert.deepEqual(splitByRepository(recs, { valid: 0.2, test: 0.1, seed: 1 }), s);
    assert.throws(() => splitByRepository(recs, { valid: 0.6, test: 0.5 }));
  });

  it('holds out whole focal classes, about the asked fraction', () => {
    const s = splitByClass(recs, 0.25, 3);
    assert.equal(s.train.length + s.heldOut.length, recs.length);
    const trainClasses = new Set(s.train.map((r) => r.focal_class));
    for (const r of s.heldOut) assert.ok(!trainClasses.has(r.focal_class));
    assert.ok(s.heldOut.length >= 100 && s.heldOut.length < 200, String(s.heldOut.length));
    assert.deepEqual(new Set(s.heldOutClasses), new Set(s.heldOut.map((r) => r.focal_class)));
  });

  it('leaves training data when there are only two classes', () => {
    const two = [{ focal_class: 'A' }, { focal_class: 'A' }, { focal_class: 'B' }];
    const s = splitByClass(two, 0.9);
    assert.equal(s.heldOutClasses.length, 1);
    assert.ok(s.train.length > 0);
    assert.throws(() => splitByClass(two, 0));
  });
});
