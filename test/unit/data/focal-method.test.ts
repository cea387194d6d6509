import * as assert from 'node:assert/strict';
import { testNameBases, argScore, callScore, resolveOverload } from '../../../src/data/focal-method';
import { focalClassNames, classMethodHint } from '../../../src/data/focal-class';
import { javaParser } from '../../../src/java/parser';
import { indexJavaFile, simpleType, type CallInfo, type MethodInfo } from '../../../src/data/java-index';

const m = (name: string, paramTypes: string[]): MethodInfo => ({
  name, paramTypes, line: 0, nameLine: 0, hasBody: true, isStatic: false, isPrivate: false, isTest: false, disabled: false, calls: [], constructed: [],
});
const call = (name: string, argTypes: (string | undefined)[]): CallInfo => ({ name, receiver: { kind: 'other' }, argTypes });

describe('focal method heuristics', () => {
  it('derives method names from test names', () => {
    assert.deepEqual(testNameBases('testFoo'), ['foo']);
    assert.deepEqual(testNameBases('fooTest'), ['foo']);
    assert.deepEqual(testNameBases('foo_returnsX'), ['foo']);
    assert.deepEqual(testNameBases('test_foo_bar'), ['foo']);
    assert.deepEqual(testNameBases('shouldParseDates'), ['parseDates']);
    assert.deepEqual(testNameBases('givenX_whenFoo_thenY'), ['foo']);
    assert.deepEqual(testNameBases('given_upper_when_normalize_then_lower'), ['upper', 'normalize']);
    assert.deepEqual(testNameBases('testing'), ['testing']); // 'test' only strips before a word boundary
  });

  it('derives focal class names from test class names', () => {
    assert.deepEqual(focalClassNames('FooTest'), ['Foo']);
    assert.deepEqual(focalClassNames('FooTests'), ['Foo']);
    assert.deepEqual(focalClassNames('TestFoo'), ['Foo']);
    assert.deepEqual(focalClassNames('FooTestCase'), ['Foo']);
    assert.deepEqual(focalClassNames('Foo_bar_Test'), ['Foo_bar_', 'Foo']);
    assert.equal(classMethodHint('Foo_bar_Test'), 'bar');
    assert.equal(classMethodHint('FooTest'), undefined);
    assert.deepEqual(focalClassNames('Helper'), []);
  });

  it('scores argument types against parameter types', () => {
    assert.equal(argScore('String', 'String'), 3);
    assert.equal(argScore('int', 'long'), 2);
    assert.equal(argScore('int', 'Integer'), 2);
    assert.equal(argScore('long', 'int'), -1);
    assert.equal(argScore('String', 'char'), -1);
    assert.equal(argScore('null', 'int'), -1);
    assert.equal(argScore('null', 'String'), 1);
    assert.equal(argScore('String', 'Integer'), -1);
    assert.equal(argScore(undefined, 'int'), 0);
    assert.equal(argScore('Foo', 'java.util.List<Foo>'), 0);
    assert.equal(argScore('Foo', 'T'), 1);
  });

  it('resolves overloads by arity, then by visible types', () => {
    const a = m('f', ['int']);
    const b = m('f', ['int', 'int']);
    const c = m('f', ['String']);
    assert.equal(resolveOverload([a, b, c], [call('f', ['int', 'int'])]), b);
    assert.equal(resolveOverload([a, b, c], [call('f', ['String'])]), c);
    assert.equal(resolveOverload([a, b, c], [call('f', ['int'])]), a);
    const amb = resolveOverload([a, c], [call('f', [undefined])]);
    assert.ok('detail' in amb && /fits 2 overloads/.test(amb.detail));
    const two = resolveOverload([a, b], [call('f', ['int']), call('f', ['int', 'int'])]);
    assert.ok('detail' in two && /2 overloads/.test(two.detail));
    const none = resolveOverload([a, b], []);
    assert.ok('detail' in none);
  });

  it('picks the most specific overload when the visible types fit several (null → String over Object)', () => {
    const str = m('quote', ['String']);
    const obj = m('quote', ['Object']);
    assert.equal(resolveOverload([obj, str], [call('quote', ['null'])]), str);
    const i = m('max', ['int', 'int']);
    const l = m('max', ['long', 'long']);
    assert.equal(resolveOverload([l, i], [call('max', ['short', 'short'])]), i);
    assert.ok('detail' in resolveOverload([l, i], [call('max', [undefined, undefined])])); // applicability unknown
    const a = m('f', ['List']);
    const b = m('f', ['Set']);
    const amb = resolveOverload([a, b], [call('f', [undefined])]);
    assert.ok('detail' in amb);
  });

  it('matches varargs with any number of trailing arguments', () => {
    const v = m('join', ['String', 'String...']);
    assert.ok(callScore(call('join', ['String']), v) >= 0);
    assert.ok(callScore(call('join', ['String', 'String', 'String']), v) >= 0);
    assert.equal(callScore(call('join', ['String', 'int']), v), -1);
  });

  it('simplifies declared types', () => {
    assert.equal(simpleType('java.util.List<String>'), 'List');
    assert.equal(simpleType('final Foo'), 'Foo');
    assert.equal(simpleType('int[]'), 'int[]');
    assert.equal(simpleType('Map<String, List<Integer>>'), 'Map');
  });

  it('indexes test calls with receivers and argument types', async () => {
    const src = `package p;
import static p.Util.*;
class FooTest {
  private Foo foo;
  @Test void a() {
    Bar bar = new Bar();
    var f = new Foo();
    foo.run(1, "x", 2L, 'c', null);
    bar.run();
    f.stop(bar);
    Foo.make().size();
    helper(3.0);
  }
  void notATest() { foo.other(); }
}`;
    const idx = indexJavaFile(await javaParser(), 'FooTest.java', src);
    assert.equal(idx.error, undefined);
    assert.equal(idx.packageName, 'p');
    assert.deepEqual(idx.imports, ['static p.Util.*']);
    const t = idx.types[0];
    const a = t.methods.find((x) => x.name === 'a')!;
    assert.ok(a.isTest);
    assert.ok(!t.methods.find((x) => x.name === 'notATest')!.isTest);
    const byName = (n: string): CallInfo[] => a.calls.filter((c) => c.name === n);
    const [fooRun, barRun] = byName('run');
    assert.deepEqual(fooRun.receiver, { kind: 'name', name: 'foo', type: 'Foo' });
    assert.deepEqual(fooRun.argTypes, ['int', 'String', 'long', 'char', 'null']);
    assert.deepEqual(barRun.receiver, { kind: 'name', name: 'bar', type: 'Bar' });
    assert.deepEqual(byName('stop')[0].receiver, { kind: 'name', name: 'f', type: 'Foo' });
    assert.deepEqual(byName('stop')[0].argTypes, ['Bar']);
    assert.deepEqual(byName('size')[0].receiver, { kind: 'other' });
    assert.deepEqual(byName('helper')[0], { name: 'helper', receiver: { kind: 'none' }, argTypes: ['double'] });
  });

  it('reports a syntax error without throwing', async () => {
    const idx = indexJavaFile(await javaParser(), 'X.java', 'class X { void f( { }');
    assert.match(idx.error ?? '', /syntax error/);
  });
});

describe('unique-call safeguards (mapSources on inline repositories)', () => {
  const base = `package p;
public abstract class Base {
  public boolean isValid(String s) { return s != null; }
}`;
  const focal = `package p;
public class Check extends Base {
  public void initialize(int n) { }
  public boolean matches(String s) { return true; }
  public int length() { return 0; }
}`;
  const run = async (testBody: string) => {
    const { mapSources } = await import('../../../src/data/miner');
    const test = `package p;
import org.junit.Test;
public class CheckTest {
  private Check check = new Check();
  private void assertAccepts(Check c) { c.isValid("x"); }
  ${testBody}
}`;
    const files = [
      { path: 'src/main/java/p/Base.java', text: base },
      { path: 'src/main/java/p/Check.java', text: focal },
      { path: 'src/test/java/p/CheckTest.java', text: test },
    ];
    return mapSources(files, 'r');
  };

  it('maps a test that calls one declared method and nothing else on the focal object', async () => {
    const { mappings } = await run('@Test public void rejectsNegative() { check.initialize(-1); }');
    assert.equal(mappings.length, 1);
    assert.equal(mappings[0].focal_method, 'initialize(int)');
    assert.match(mappings[0].by, /unique call/);
  });

  it('does not treat a call as unique when the test also calls an inherited method', async () => {
    const { mappings, report } = await run('@Test public void acceptsDigits() { check.initialize(3); check.isValid("12"); }');
    assert.equal(mappings.length, 0);
    assert.equal(report.skips[0].reason, 'ambiguous call');
    assert.match(report.skips[0].detail, /inherits: isValid/);
  });

  it('does not treat a call as unique when the focal object goes to a helper of the test', async () => {
    const { mappings, report } = await run('@Test public void acceptsAll() { check.initialize(3); assertAccepts(check); }');
    assert.equal(mappings.length, 0);
    assert.match(report.skips[0].detail, /helper assertAccepts/);
  });

  it('does not map by call when the name points at another, uncalled focal method', async () => {
    const { mappings, report } = await run('@Test public void matchesAfterInit() { check.initialize(3); }');
    assert.equal(mappings.length, 0);
    assert.match(report.skips[0].detail, /points at matches/);
  });

  it('still maps by name when the name and the call agree', async () => {
    const { mappings } = await run('@Test public void lengthIsZero() { check.initialize(0); org.junit.Assert.assertEquals(0, check.length()); }');
    assert.equal(mappings.length, 1);
    assert.equal(mappings[0].focal_method, 'length()');
    assert.match(mappings[0].by, /name prefix/);
  });
});
