// The class-file reader and the jar reader on classes javac compiles here (generics, varargs, static,
// nested and inner classes, interfaces, enum constants, records, an anonymous class), and on corrupt
// class files and jars: a message, never a throw. javac must be installed (it is here and in CI).
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readClassFile } from '../../src/symbols/class-file';
import { typeFromClassFile } from '../../src/symbols/from-class';
import type { IndexedType } from '../../src/symbols/indexed-type';
import { readClassFolder, readJar } from '../../src/symbols/jars';
import { JImage } from '../../src/symbols/jimage';
import { ZipArchive } from '../../src/util/zip';

const BOX = `package fx;
import java.util.*;
public class Box<T extends Comparable<T>> implements Comparable<Box<T>> {
  public static final int LIMIT = 3;
  protected List<T> items = new ArrayList<>();
  public Box() {}
  @SafeVarargs public Box(T first, T... rest) {}
  public static <U extends Comparable<U>> Box<U> of(U u) { return null; }
  public T first() { return null; }
  public void addAll(String label, int... xs) throws java.io.IOException {}
  private void hidden() {}
  void packageOnly() {}
  public int compareTo(Box<T> o) { return 0; }
  public class Inner { public Inner(int x) {} public int get() { return 0; } }
  public static class Nested { public String name() { return ""; } }
  public interface Visitor { void visit(Object o) throws java.io.IOException; }
  public enum Color { RED, GREEN; public Color next() { return RED; } }
  public record Point(int x, int y) { public static Point origin() { return new Point(0, 0); } }
  private static class Secret {}
  public Object anon() { return new Object() { }; }
}
`;

describe('symbols: class files and jars', function () {
  this.timeout(60_000);
  let dir: string;
  let classes: string;
  const types = new Map<string, IndexedType>();

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'testtune-classfile-'));
    fs.mkdirSync(path.join(dir, 'src', 'fx'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'src', 'fx', 'Box.java'), BOX);
    classes = path.join(dir, 'classes');
    execFileSync('javac', ['--release', '17', '-d', classes, path.join(dir, 'src', 'fx', 'Box.java')], { stdio: 'pipe' });
    for (const f of fs.readdirSync(path.join(classes, 'fx'))) {
      const read = readClassFile(fs.readFileSync(path.join(classes, 'fx', f)));
      assert.ok(read.value, `${f}: ${read.error}`);
      const t = typeFromClassFile(read.value);
      if (t) types.set(t.name, t);
    }
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const member = (t: string, name: string, kind = 'method') => types.get(t)!.members.filter((m) => m.name === name && m.kind === kind);

  it('reads a generic class: erased types, varargs, static, access, supertypes, nested names', () => {
    const box = types.get('fx.Box')!;
    assert.equal(box.kind, 'class');
    assert.deepEqual(box.supertypes, ['java.lang.Object', 'java.lang.Comparable']);
    assert.deepEqual(member('fx.Box', '<init>', 'constructor').map((c) => [c.arity, c.varargs]), [[0, false], [2, true]]);
    assert.deepEqual(member('fx.Box', 'of').map((m) => [m.static, m.arity, m.type]), [[true, 1, 'fx.Box']]);
    assert.equal(member('fx.Box', 'first')[0].type, 'java.lang.Comparable'); // T erased to its bound
    assert.deepEqual(member('fx.Box', 'addAll').map((m) => [m.arity, m.varargs, m.throws]), [[2, true, ['java.io.IOException']]]);
    assert.equal(member('fx.Box', 'hidden')[0].access, 'private');
    assert.equal(member('fx.Box', 'packageOnly')[0].access, 'package');
    assert.deepEqual(member('fx.Box', 'LIMIT', 'field').map((f) => [f.static, f.type, f.access]), [[true, 'int', 'public']]);
    assert.deepEqual(member('fx.Box', 'items', 'field').map((f) => [f.type, f.access]), [['java.util.List', 'protected']]);
    assert.deepEqual(Object.keys(box.nested).sort(), ['Color', 'Inner', 'Nested', 'Point', 'Visitor']); // Secret is private
    assert.ok(!box.members.some((m) => m.name.startsWith('access$') || m.name === 'lambda$'), 'no synthetic members');
  });

  it('names nested types through InnerClasses; an inner class constructor drops the enclosing instance', () => {
    const inner = types.get('fx.Box.Inner')!;
    assert.equal(inner.static, false);
    assert.deepEqual(member('fx.Box.Inner', '<init>', 'constructor').map((c) => c.arity), [1]);
    assert.equal(types.get('fx.Box.Nested')!.static, true);
    const visitor = types.get('fx.Box.Visitor')!;
    assert.equal(visitor.kind, 'interface');
    assert.deepEqual(member('fx.Box.Visitor', 'visit').map((m) => m.throws), [['java.io.IOException']]);
    assert.ok(!types.has('fx.Box.1') && ![...types.keys()].some((k) => k.includes('$')), 'the anonymous class is not a type a test can name');
  });

  it('reads enum constants and records', () => {
    const color = types.get('fx.Box.Color')!;
    assert.equal(color.kind, 'enum');
    assert.equal(color.supertypes[0], 'java.lang.Enum');
    assert.deepEqual(member('fx.Box.Color', 'RED', 'field').map((f) => [f.static, f.type]), [[true, 'fx.Box.Color']]);
    assert.ok(member('fx.Box.Color', 'values').length === 1 && member('fx.Box.Color', 'values')[0].static);
    const point = types.get('fx.Box.Point')!;
    assert.equal(point.kind, 'record');
    assert.deepEqual(member('fx.Box.Point', 'x').map((m) => [m.arity, m.type]), [[0, 'int']]);
    assert.deepEqual(member('fx.Box.Point', '<init>', 'constructor').map((c) => c.arity), [2]);
    assert.equal(member('fx.Box.Point', 'origin')[0].static, true);
  });

  it('gives an error string, never a throw, for corrupt and truncated class files', () => {
    const good = fs.readFileSync(path.join(classes, 'fx', 'Box.class'));
    for (const cut of [0, 3, 9, 40, Math.floor(good.length / 2), good.length - 1]) {
      const r = readClassFile(good.subarray(0, cut));
      assert.ok(!r.value && r.error, `cut at ${cut}`);
    }
    assert.match(readClassFile(Buffer.from('not a class at all')).error!, /CAFEBABE/);
    const bent = Buffer.from(good);
    bent[10] = 99; // the first constant's tag
    assert.match(readClassFile(bent).error!, /tag|constant|truncated/);
  });

  it('reads a jar (deflated and stored), caches it by path+size+mtime, and skips a corrupt class with a warning naming it', async () => {
    const jarDir = path.join(dir, 'jars');
    fs.mkdirSync(jarDir);
    fs.writeFileSync(path.join(classes, 'fx', 'Bad.class'), 'garbage');
    const jar = path.join(jarDir, 'box.jar');
    execFileSync('jar', ['cf', jar, '-C', classes, '.'], { stdio: 'pipe' });
    const stored = path.join(jarDir, 'box-stored.jar');
    execFileSync('jar', ['cf0', stored, '-C', classes, '.'], { stdio: 'pipe' });
    const cache = path.join(dir, 'cache');
    for (const j of [jar, stored]) {
      const first = await readJar(j, cache);
      assert.ok(first.types.some((t) => t.name === 'fx.Box.Point'), j);
      assert.equal(first.warnings.length, 1);
      assert.match(first.warnings[0], /box(-stored)?\.jar: skipped fx\/Bad\.class/);
      assert.ok(!first.fromCache);
      const second = await readJar(j, cache);
      assert.ok(second.fromCache);
      assert.equal(second.types.length, first.types.length);
    }
    const folder = await readClassFolder(classes);
    assert.ok(folder.types.some((t) => t.name === 'fx.Box') && folder.warnings.some((w) => w.includes('Bad.class')));
  });

  it('skips a corrupt or truncated jar with a warning naming it', async () => {
    const bad = path.join(dir, 'broken.jar');
    fs.writeFileSync(bad, 'PK not really a zip');
    const r = await readJar(bad, undefined);
    assert.equal(r.types.length, 0);
    assert.match(r.warnings[0], /broken\.jar: skipped, not a zip archive/);
    const whole = fs.readFileSync(path.join(dir, 'jars', 'box.jar'));
    for (const cut of [10, Math.floor(whole.length / 2), whole.length - 30]) {
      const truncated = path.join(dir, `cut-${cut}.jar`);
      fs.writeFileSync(truncated, whole.subarray(0, cut));
      const t = await readJar(truncated, undefined);
      assert.ok(t.warnings.length > 0 && t.warnings.every((w) => w.includes(`cut-${cut}.jar`)), `cut ${cut}: ${t.warnings}`);
    }
    assert.ok(!ZipArchive.open(Buffer.alloc(0)).archive);
    assert.match((await JImage.open(path.join(dir, 'jars', 'box.jar'))).error!, /box\.jar: not a jimage file/);
    assert.match((await JImage.open(path.join(dir, 'no-such-modules'))).error!, /no-such-modules/);
  });
});
