// javac and console-launcher output as data, and the candidate filter (src/verify/).
import { strict as assert } from 'node:assert';
import { parseJavacErrors } from '../../../src/verify/javac-output';
import { expectedActual, parseLauncherOutput } from '../../../src/verify/launcher-output';
import { checkCandidate } from '../../../src/verify/candidate-rules';
import { descriptorArity, focalCoverage, type MethodCounters } from '../../../src/verify/method-coverage';
import { internalName } from '../../../src/verify/verify';

describe('javac output', () => {
  it('reads file, line, message and the symbol', () => {
    const out = `/s/CartTest.java:11: error: cannot find symbol
    assertEquals(0L, cart.totl());
                         ^
  symbol:   method totl()
  location: variable cart of type Cart
/s/CartTest.java:14: error: package org.assertj.core.api does not exist
import static org.assertj.core.api.Assertions.assertThat;
/s/CartTest.java:20: error: incompatible types: String cannot be converted to long
2 errors
`;
    assert.deepEqual(parseJavacErrors(out), [
      { file: '/s/CartTest.java', line: 11, message: 'cannot find symbol', symbol: 'totl' },
      { file: '/s/CartTest.java', line: 14, message: 'package org.assertj.core.api does not exist', symbol: 'org.assertj.core.api' },
      { file: '/s/CartTest.java', line: 20, message: 'incompatible types: String cannot be converted to long' },
    ]);
    assert.deepEqual(parseJavacErrors('garbage\n\n'), []);
  });
});

describe('console launcher output', () => {
  it('JUnit 5, JUnit 4 (ComparisonFailure markers), Hamcrest and AssertJ forms', () => {
    assert.deepEqual(expectedActual('expected: <6> but was: <5>'), { expected: '6', actual: '5', style: 'junit' });
    assert.deepEqual(expectedActual('total ==> expected: <x> but was: <nobody (0)>'), { expected: 'x', actual: 'nobody (0)', style: 'junit' });
    assert.deepEqual(expectedActual('expected:<3> but was:<1>'), { expected: '3', actual: '1', style: 'junit' });
    assert.deepEqual(expectedActual('expected:<[a]> but was:<[0/2]>'), { expected: 'a', actual: '0/2', style: 'junit' });
    assert.deepEqual(expectedActual('expected:<1/[3]> but was:<1/[2]>'), { expected: '1/3', actual: '1/2', style: 'junit' });
    assert.deepEqual(expectedActual('expected:<[[x]]> but was:<[[y]]>'), { expected: '[x]', actual: '[y]', style: 'junit' });
    assert.deepEqual(expectedActual('expected:<...aaaaaaaaaaaaaaaaaaaa[b]> but was:<...aaaaaaaaaaaaaaaaaaaa[c]>'), { expected: undefined, actual: undefined, style: 'junit' });
    assert.deepEqual(expectedActual('\nExpected: is "y"\n     but: was "nobody (0)"'), { expected: 'is "y"', actual: '"nobody (0)"', style: 'hamcrest' });
    assert.deepEqual(expectedActual('\nexpected: "y"\n but was: "x"'), { expected: '"y"', actual: '"x"', style: 'assertj' });
  });

  it('the first failure: class, message over several lines, the test line and the focal frame', () => {
    const out = `Failures (1):
  JUnit Jupiter:ProbeTest:ham()
    MethodSource [className = 'com.example.shop.ProbeTest', methodName = 'ham', methodParameterTypes = '']
    => java.lang.IllegalArgumentException: negative price: -1
line two
       com.example.shop.Cart.check(Cart.java:40)
       com.example.shop.Cart.add(Cart.java:13)
       com.example.shop.ProbeTest.ex(ProbeTest.java:9)
       java.base/jdk.internal.reflect.NativeMethodAccessorImpl.invoke0(Native Method)
       [...]

Test run finished after 336 ms
[         1 tests found           ]
[         0 tests successful      ]
[         1 tests failed          ]
`;
    const s = parseLauncherOutput(out, { testClass: 'com.example.shop.ProbeTest', focalClass: 'com.example.shop.Cart', focalMethod: 'add' });
    assert.equal(s.found, 1);
    assert.equal(s.failed, 1);
    assert.equal(s.failure?.kind, 'exception');
    assert.equal(s.failure?.exceptionClass, 'java.lang.IllegalArgumentException');
    assert.equal(s.failure?.message, 'negative price: -1\nline two');
    assert.equal(s.failure?.line, 9);
    assert.deepEqual(s.failure?.focalFrame, { method: 'check', line: 40 });
    assert.equal(s.failure?.throughFocal, true);
    assert.equal(s.failure?.classLevel, undefined);
    assert.deepEqual(parseLauncherOutput(''), { found: 0, succeeded: 0, failed: 0, aborted: 0, skipped: 0, containersFailed: 0 });
  });
});

describe('candidate rules', () => {
  const focal = { className: 'com.example.shop.Cart', methodName: 'total' };
  it('accepts a test that calls the focal method and asserts', async () => {
    const r = await checkCandidate('@Test void t() { Cart c = new Cart(); assertEquals(0L, c.total()); }', 't', focal);
    assert.deepEqual(r, { ok: true, reasons: [], callsFocal: true, asserts: true });
  });
  it('rejects a test that does not call the focal method, or asserts nothing, with the reason', async () => {
    const a = await checkCandidate('@Test void t() { Cart c = new Cart(); assertTrue(c.isEmpty()); }', 't', focal);
    assert.deepEqual(a.reasons, ['t does not call the focal method total']);
    const b = await checkCandidate('@Test void t() { new Cart().total(); System.out.println("x"); }', 't', focal);
    assert.deepEqual(b.reasons, ['t asserts nothing (no assertion, assertThrows, fail or verify)']);
    const c = await checkCandidate('@Test void t() { assert new Cart().total() == 0; }', 't', focal);
    assert.equal(c.asserts, false);
  });
  it('counts assertThrows, fail, Mockito verify, AssertJ chains, @Test(expected), method references and constructors', async () => {
    for (const body of [
      '@Test void t() { assertThrows(X.class, () -> c.total()); }',
      '@Test void t() { try { c.total(); fail("no"); } catch (X e) {} }',
      '@Test void t() { c.total(); verify(listener).changed(); }',
      '@Test void t() { assertThat(c.total()).isEqualTo(3L); }',
      '@Test(expected = IllegalStateException.class) public void t() { c.total(); }',
      '@Test void t() { assertEquals(List.of(0L), carts.stream().map(Cart::total).toList()); }',
    ]) assert.equal((await checkCandidate(body, 't', focal)).ok, true, body);
    const ctor = await checkCandidate('@Test void t() { assertNotNull(new com.example.shop.Cart()); }', 't', { className: 'com.example.shop.Cart', methodName: 'Cart' });
    assert.equal(ctor.ok, true);
  });
  it('never throws on text that does not parse', async () => {
    const r = await checkCandidate('@Test void t( { {{', 't', focal);
    assert.equal(r.ok, false);
    assert.ok(r.reasons.length > 0);
    assert.deepEqual((await checkCandidate('', 'missing', focal)).reasons, ['no method named missing in the test']);
  });
});

describe('focal method coverage', () => {
  const m = (cls: string, name: string, desc: string, first: number, last: number, lines: [number, 0 | 1][], branches: [number, number] = [0, 0]): MethodCounters => ({ cls, name, desc, first, last, entered: lines.some((l) => l[1] === 1), instructions: [lines.filter((l) => l[1] === 1).length, lines.filter((l) => l[1] === 0).length], branches, lines });
  it('picks the method by name and lines, adds its lambdas, counts shared lines once', () => {
    const methods = [
      m('a/Foo', 'run', '(I)V', 10, 14, [[10, 1], [11, 1], [12, 0], [14, 1]], [1, 1]),
      m('a/Foo', 'run', '(Ljava/lang/String;)V', 20, 22, [[20, 0], [22, 0]]),
      m('a/Foo', 'lambda$run$0', '(I)Z', 12, 12, [[12, 1]], [2, 0]),
      m('a/Foo$1', 'apply', '()V', 13, 13, [[13, 0]]),
      m('a/Foo', 'other', '()V', 30, 31, [[30, 1]]),
    ];
    assert.deepEqual(focalCoverage(methods, { internalName: 'a/Foo', methodName: 'run', arity: 1, startLine: 9, endLine: 15 }), {
      entered: true,
      lines: { covered: 4, total: 5 },
      branches: { covered: 3, total: 4 },
    });
    assert.equal(focalCoverage(methods, { internalName: 'a/Foo', methodName: 'run', arity: 1 }), undefined); // two overloads of arity 1 and no lines: ambiguous
    assert.equal(descriptorArity('(J[ILjava/lang/String;[[Ljava/util/List;D)V'), 5);
    assert.equal(internalName('com.x.Outer.Inner'), 'com/x/Outer$Inner');
    assert.equal(internalName('Cart'), 'Cart');
  });
});
