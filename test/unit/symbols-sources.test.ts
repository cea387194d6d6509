// Source files as index types (tree-sitter), and the index's incremental and background build: a
// changed source re-indexes only itself, a deleted one drops its types, progress is reported and the
// event loop keeps running while a large workspace is indexed.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildIndex, indexSourceFile, type IndexProgress } from '../../src/symbols/build-index';
import { typesFromSource } from '../../src/symbols/from-source';
import { resolvedType } from '../../src/symbols/resolve';
import { SymbolIndex } from '../../src/symbols/symbol-index';

const SHAPES = `package geo;
import java.util.List;
import java.util.Map;
import java.io.*;
public abstract class Shape<T extends Number> extends Base implements Comparable<Shape<T>>, Serializable {
  public static final double EPS = 1e-9;
  protected Map<String, List<T>> tags;
  private int secret;
  int[] grid[];
  public Shape(String name, T... sizes) throws IOException {}
  Shape() {}
  public abstract double area();
  public static <S extends CharSequence> S label(S s, int times) { return s; }
  public T scale(T factor) { return factor; }
  public List<String>[] groups() throws IOException, IllegalStateException { return null; }
  private void hidden() {}
  public interface Visitor { int MAX = 2; void visit(Shape<?> s); default void done() {} }
  public enum Kind { ROUND, SQUARE { }; Kind() {} public Kind next() { return ROUND; } }
  public record Pair(String a, int... rest) {}
  static class Helper extends Base.Part {}
  void local() { class Local {} }
}
class Base { public static class Part {} }
`;

describe('symbols: source files and the incremental index', function () {
  this.timeout(60_000);
  let dir: string;
  before(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'testtune-symsrc-'))));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads classes, constructors, methods and fields with generics erased, visibility, static, exceptions and supertypes as written', async () => {
    const r = await typesFromSource(SHAPES, 'Shape.java');
    assert.deepEqual(r.errors, []);
    const by = new Map(r.types.map((t) => [t.name, t]));
    assert.deepEqual([...by.keys()].sort(), ['geo.Base', 'geo.Base.Part', 'geo.Shape', 'geo.Shape.Helper', 'geo.Shape.Kind', 'geo.Shape.Pair', 'geo.Shape.Visitor']);
    const shape = by.get('geo.Shape')!;
    assert.equal(shape.abstract, true);
    assert.deepEqual(shape.supertypes, ['Base', 'Comparable', 'Serializable']);
    const m = (name: string, kind = 'method') => shape.members.filter((x) => x.name === name && x.kind === kind);
    assert.deepEqual(m('<init>', 'constructor').map((c) => [c.access, c.arity, c.varargs, c.throws]), [['public', 2, true, ['IOException']], ['package', 0, false, undefined]]);
    assert.deepEqual(m('label').map((x) => [x.static, x.arity, x.type]), [[true, 2, 'CharSequence']]);
    assert.equal(m('scale')[0].type, 'Number');
    assert.deepEqual(m('groups').map((x) => [x.type, x.throws]), [['List[]', ['IOException', 'IllegalStateException']]]);
    assert.equal(m('hidden')[0].access, 'private');
    assert.equal(m('area')[0].type, 'double');
    assert.deepEqual(m('EPS', 'field').map((f) => [f.static, f.type, f.access]), [[true, 'double', 'public']]);
    assert.deepEqual(m('tags', 'field').map((f) => [f.type, f.access]), [['Map', 'protected']]);
    assert.equal(m('grid', 'field')[0].type, 'int[][]');
    assert.deepEqual(Object.keys(shape.nested).sort(), ['Helper', 'Kind', 'Pair', 'Visitor']);
    const visitor = by.get('geo.Shape.Visitor')!;
    assert.deepEqual(visitor.members.map((x) => [x.name, x.access, x.static]), [['MAX', 'public', true], ['visit', 'public', false], ['done', 'public', false]]);
    const kind = by.get('geo.Shape.Kind')!;
    assert.deepEqual(kind.members.filter((x) => x.kind === 'field').map((x) => [x.name, x.static, x.type]), [['ROUND', true, 'geo.Shape.Kind'], ['SQUARE', true, 'geo.Shape.Kind']]);
    assert.ok(kind.members.filter((x) => x.kind === 'constructor').every((c) => c.access === 'private'));
    assert.deepEqual(kind.members.filter((x) => x.name === 'values' || x.name === 'valueOf').map((x) => [x.name, x.static, x.arity, x.type]), [['values', true, 0, 'geo.Shape.Kind[]'], ['valueOf', true, 1, 'geo.Shape.Kind']]);
    const pair = by.get('geo.Shape.Pair')!;
    assert.deepEqual(pair.members.filter((x) => x.kind !== 'field').map((x) => [x.kind, x.name, x.arity]), [['method', 'a', 0], ['method', 'rest', 0], ['constructor', '<init>', 2]]);
    assert.equal(by.get('geo.Base')!.members.find((x) => x.kind === 'constructor')!.access, 'package'); // the default constructor
  });

  it('resolves names as written through the enclosing types, imports, package and java.lang', async () => {
    const index = new SymbolIndex();
    const r = await typesFromSource(SHAPES, 'Shape.java');
    index.put('source', 'Shape.java', 'k', r.types);
    index.put('jdk', 'jdk', 'k', [
      { name: 'java.io.Serializable', package: 'java.io', kind: 'interface', access: 'public', static: false, abstract: false, supertypes: [], members: [], nested: {} },
      { name: 'java.lang.Comparable', package: 'java.lang', kind: 'interface', access: 'public', static: false, abstract: false, supertypes: [], members: [], nested: {} },
    ]);
    const shape = resolvedType(index, index.lookup('geo.Shape')!);
    assert.deepEqual(shape.supertypes, ['geo.Base', 'java.lang.Comparable', 'java.io.Serializable']);
    assert.equal(shape.members.find((m) => m.name === 'tags')!.type, 'java.util.Map'); // single import, unknown to the index
    assert.equal(resolvedType(index, index.lookup('geo.Shape.Helper')!).supertypes[0], 'geo.Base.Part');
    assert.equal(resolvedType(index, index.lookup('geo.Shape.Kind')!).members.find((m) => m.name === 'next')!.type, 'geo.Shape.Kind');
  });

  it('parsing never throws: broken and binary text give messages', async () => {
    const broken = await typesFromSource('package p; public class A { void f( { } class B {}', 'A.java');
    assert.ok(broken.errors.some((e) => e.includes('A.java')));
    const binary = await typesFromSource('\u0000\u0001\u0002garbage{{{', 'bin.java');
    assert.ok(Array.isArray(binary.types));
  });

  it('a changed source re-indexes only itself; a deleted one drops its types', async () => {
    const src = path.join(dir, 'inc');
    fs.mkdirSync(src);
    const files = ['A', 'B', 'C'].map((n) => {
      const f = path.join(src, `${n}.java`);
      fs.writeFileSync(f, `package inc; public class ${n} { public int ${n.toLowerCase()}() { return 1; } }`);
      return f;
    });
    const index = new SymbolIndex();
    const first = await buildIndex(index, { jdk: false, classpath: [], sourceFiles: files });
    assert.deepEqual([first.parsed, first.reused], [3, 0]);
    assert.ok(index.complete);
    fs.writeFileSync(files[1], 'package inc; public class B { public int b(int x) { return x; } public void added() {} }');
    const later = new Date(Date.now() + 5000);
    fs.utimesSync(files[1], later, later);
    const second = await buildIndex(index, { jdk: false, classpath: [], sourceFiles: files });
    assert.deepEqual([second.parsed, second.reused], [1, 2]);
    assert.deepEqual(index.lookup('inc.B')!.members.filter((m) => m.kind === 'method').map((m) => [m.name, m.arity]), [['b', 1], ['added', 0]]);
    const third = await buildIndex(index, { jdk: false, classpath: [], sourceFiles: [files[0], files[1]] });
    assert.deepEqual([third.parsed, third.reused], [0, 2]);
    assert.equal(index.lookup('inc.C'), undefined);
    assert.deepEqual(index.packageTypes('inc').sort(), ['inc.A', 'inc.B']);
    // An editor's unsaved text is keyed by its content: the same text twice parses once.
    assert.equal((await indexSourceFile(index, files[0], 'package inc; public class A { void z() {} }')).changed, true);
    assert.equal((await indexSourceFile(index, files[0], 'package inc; public class A { void z() {} }')).changed, false);
  });

  it('reuses the on-disk source cache on a fresh index (a warm start parses nothing)', async () => {
    const src = path.join(dir, 'warm');
    fs.mkdirSync(src);
    const files = [1, 2].map((i) => {
      const f = path.join(src, `W${i}.java`);
      fs.writeFileSync(f, `package w; public class W${i} {}`);
      return f;
    });
    const cacheDir = path.join(dir, 'cache');
    const cold = await buildIndex(new SymbolIndex(), { jdk: false, classpath: [], sourceFiles: files, workspace: src }, { cacheDir });
    assert.equal(cold.parsed, 2);
    const fresh = new SymbolIndex();
    const warm = await buildIndex(fresh, { jdk: false, classpath: [], sourceFiles: files, workspace: src }, { cacheDir });
    assert.deepEqual([warm.parsed, warm.reused], [0, 2]);
    assert.ok(fresh.lookup('w.W2'));
    // A damaged part of the cache is not trusted: the sources are parsed again, nothing throws.
    const part = fs.readdirSync(cacheDir).find((f) => /^sources-.*\.0\.json$/.test(f))!;
    fs.writeFileSync(path.join(cacheDir, part), '{"format": 3, "value": {"id": "other", "items": []}}');
    const again = await buildIndex(new SymbolIndex(), { jdk: false, classpath: [], sourceFiles: files, workspace: src }, { cacheDir });
    assert.deepEqual([again.parsed, again.reused], [2, 0]);
  });

  it('indexes a large workspace in slices: progress, the event loop keeps turning, a partial index answers', async () => {
    const src = path.join(dir, 'big');
    fs.mkdirSync(src);
    const files: string[] = [];
    for (let i = 0; i < 400; i++) {
      const f = path.join(src, `K${i}.java`);
      fs.writeFileSync(f, `package big; public class K${i} { public K${i}(int a) {} public int m${i}(String s) { return ${i}; } }`);
      files.push(f);
    }
    const index = new SymbolIndex();
    const progress: IndexProgress[] = [];
    let ticks = 0;
    let partialSeen = false;
    const timer = setInterval(() => {
      ticks++;
      if (!index.complete && index.stats().sources > 0) partialSeen = true;
    }, 0);
    try {
      await buildIndex(index, { jdk: false, classpath: [], sourceFiles: files }, { onProgress: (p) => progress.push(p), sliceMs: 2 });
    } finally {
      clearInterval(timer);
    }
    assert.ok(ticks > 0, 'timers ran while indexing');
    assert.ok(partialSeen, 'a reader saw a partial index (complete: false) while it was being built');
    assert.equal(index.stats().sources, 400);
    assert.deepEqual(progress.at(-1), { phase: 'done', done: 400, total: 400 });
    assert.ok(progress.some((p) => p.phase === 'sources' && p.done > 0 && p.done < 400));
  });

  it('stops early when its signal is aborted, leaving the index incomplete', async () => {
    const files = fs.readdirSync(path.join(dir, 'big')).map((f) => path.join(dir, 'big', f));
    const index = new SymbolIndex();
    const controller = new AbortController();
    const build = buildIndex(index, { jdk: false, classpath: [], sourceFiles: files }, { signal: controller.signal, sliceMs: 1, onProgress: (p) => p.done > 20 && controller.abort() });
    await build;
    assert.equal(index.complete, false);
    assert.ok(index.stats().sources < files.length);
  });
});
