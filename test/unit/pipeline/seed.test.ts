// The seeded candidate: the pipeline writes the receiver's construction and the focal call, the model
// writes the arguments and the rest of the body.
import { strict as assert } from 'node:assert';
import type { GenerateResult } from '../../../src/model/engine-api';
import { generateSeededCandidate } from '../../../src/pipeline/candidates';
import { decodingParams } from '../../../src/pipeline/decoding';
import { engineOptions, type GenerateCall, type TestGenerator } from '../../../src/pipeline/generator';
import { defaultValue, firstStatement, seedFor, seedsFor } from '../../../src/pipeline/seed';
import { projectValues } from '../../../src/pipeline/project-values';
import { listMethods } from '../../../src/java/methods';

async function seedOf(text: string, name: string) {
  const methods = (await listMethods(text)).methods;
  return seedFor(methods.find((m) => m.name === name && m.kind === 'method')!, methods, text);
}

describe('pipeline: seeded candidate', () => {
  it('seeds a static call, a construction with or without arguments, and nothing that cannot be constructed', async () => {
    assert.deepEqual(await seedOf('class U { static int f(int x) { return x; } }', 'f'), { statements: ['int result = U.f('] });
    assert.deepEqual(await seedOf('class C { int f() { return 1; } }', 'f'), { statements: ['C c = new C();', 'int result = c.f('] });
    assert.deepEqual(await seedOf('class P { P(String s) {} void run(int n) {} }', 'run'), { statements: ['P p = new P(', 'p.run('] });
    assert.deepEqual(await seedOf('class G<T> { G() {} T get() { return null; } }', 'get'), { statements: ['G<Object> g = new G<>();', 'T result = g.get('] });
    assert.equal(await seedOf('abstract class A { int f() { return 1; } }', 'f'), undefined);
    assert.equal(await seedOf('class S { private S() {} int f() { return 1; } }', 'f'), undefined);
    assert.equal(await seedOf('class O { class I { int f() { return 1; } } }', 'f'), undefined, 'an inner class needs an outer instance');
    assert.deepEqual(await seedOf('class O { static class I { int f() { return 1; } } }', 'f'), { statements: ['O.I i = new O.I();', 'int result = i.f('] });
  });

  it('writes typed default arguments that always fit the signature, typed arguments first', async () => {
    const text = 'class P { P(String s, int n) {} P(java.util.List<String> l, double d, char c, Foo f) {} long run(int[] xs, String... rest) { return 1; } }';
    const methods = (await listMethods(text)).methods;
    const run = methods.find((m) => m.name === 'run')!;
    assert.deepEqual(seedFor(run, methods, text, new Map()), { statements: ['P p = new P("abc", 1);', 'long result = p.run(new int[] {1}, new String[] {"abc"});'] });
    assert.deepEqual(seedsFor(run, methods, text).map((x) => [x.statements[0], x.alone ?? false]), [['P p = new P("abc", 1);', false], ['P p = new P("abc", 1);', true], ['P p = new P(', false]]);
    assert.deepEqual(['Integer', 'Long', 'short', 'boolean', 'Foo', 'T', 'Map<String, Integer>', 'Foo[][]'].map((t) => defaultValue(t)), ['1', '1L', '(short) 1', 'true', '(Foo) null', 'null', 'new java.util.HashMap<>()', 'new Foo[0][]']);
    assert.equal(defaultValue('Foo', new Map([['Foo', 'new Foo(1.0)']])), 'new Foo(1.0)');
  });

  it('constructs the project\'s own parameter types found through the focal file\'s imports and package', async () => {
    const files: Record<string, string> = {
      '/p/src/main/java/a/geom/Coordinate.java': 'package a.geom;\npublic class Coordinate { public Coordinate(double x, double y) {} public Coordinate(Coordinate c) {} }',
      '/p/src/main/java/a/alg/Helper.java': 'package a.alg;\nclass Helper { }',
      '/p/src/main/java/a/alg/Shape.java': 'package a.alg;\npublic abstract class Shape { }',
      '/p/src/main/java/a/geom/Hidden.java': 'package a.geom;\npublic class Hidden { Hidden() {} }',
    };
    const focal = 'package a.alg;\nimport a.geom.Coordinate;\nimport a.geom.Hidden;\nclass Angle { static double f(Coordinate c, Helper h, Shape s, Hidden x, Missing m) { return 1; } }';
    const values = await projectValues(['Coordinate', 'Helper', 'Shape', 'Hidden', 'Missing'], '/p/src/main/java/a/alg/Angle.java', focal, (f) => files[f]);
    assert.deepEqual([...values.entries()], [['Coordinate', 'new Coordinate(1.0, 1.0)'], ['Helper', 'new Helper()']]);
  });

  it('asserts a void method\'s effect through a getter of the receiver, with a placeholder the run replaces', async () => {
    const text = 'class W { private int pos; public W() {} public void write(int b) { pos++; } public int getPosition() { return pos; } public Integer boxed() { return 1; } }';
    const methods = (await listMethods(text)).methods;
    const write = methods.find((m) => m.name === 'write')!;
    assert.deepEqual(seedFor(write, methods, text, new Map()), { statements: ['W w = new W();', 'w.write(1);', 'assertEquals(0, w.getPosition());'] });
    const none = 'class V { public void run() {} public Integer boxed() { return 1; } }';
    const vm = (await listMethods(none)).methods;
    assert.deepEqual(seedFor(vm.find((m) => m.name === 'run')!, vm, none, new Map()), { statements: ['V v = new V();', 'v.run();'] }, 'no observer: nothing is asserted, the candidate rules decide');
  });

  it('a seed alone is the focal call and nothing the model writes', async () => {
    const calls: string[] = [];
    const gen: TestGenerator = { async generate(p) { calls.push(p); return { text: 'x', stopReason: 'balanced', promptTokens: 1, newTokens: 1, ms: 1 }; } };
    const c = await generateSeededCandidate('class CTest {\n    @Test\n    void testF() {\n', { statements: ['int result = C.f(1);'], alone: true }, gen, { decoding: decodingParams('product') }, 2);
    assert.equal(calls.length, 0);
    assert.equal(c.method, '    @Test\n    void testF() {\n        int result = C.f(1);\n    }');
  });

  it('cuts the model\'s arguments at the statement\'s end, outside strings and brackets', () => {
    assert.equal(firstStatement('1, ";)", f(2));\n  x();'), '1, ";)", f(2));');
    assert.equal(firstStatement('a, b'), undefined);
    assert.equal(firstStatement('a)) ;'), undefined, 'closes more than the open call');
  });

  it('writes the seed, lets the model fill the arguments and continue, and marks the candidate', async () => {
    const prompt = 'class CTest {\n    @Test\n    void testF() {\n';
    const replies = ["3, 'x');\n junk", '        assertTrue(true);\n    }\n}'];
    const calls: { prompt: string; call: GenerateCall }[] = [];
    const gen: TestGenerator = {
      async generate(p, call) {
        calls.push({ prompt: p, call });
        const text = replies[calls.length - 1];
        return { text, stopReason: 'balanced', promptTokens: 5, newTokens: 3, ms: 2 } satisfies GenerateResult;
      },
    };
    const c = await generateSeededCandidate(prompt, { statements: ['C c = new C();', 'int result = c.f('] }, gen, { decoding: decodingParams('product') }, 1);
    assert.equal(calls.length, 2);
    assert.equal(calls[0].prompt, `${prompt}        C c = new C();\n        int result = c.f(`);
    assert.equal(calls[0].call.decoding.syntaxGuard, false);
    assert.equal(calls[1].call.decoding.syntaxGuard, true);
    assert.equal(c.method, "    @Test\n    void testF() {\n        C c = new C();\n        int result = c.f(3, 'x');\n        assertTrue(true);\n    }");
    assert.equal(c.seeded, true);
    assert.equal(c.result.newTokens, 6);
  });

  it('gives the symbol constraint the body already written, and none to the arguments\' generation', async () => {
    const prompt = 'class CTest {\n    @Test\n    void testF() {\n';
    const calls: GenerateCall[] = [];
    const gen: TestGenerator = {
      async generate(_p, call) {
        calls.push(call);
        return { text: calls.length === 1 ? '3);' : '    }\n', stopReason: 'balanced', promptTokens: 5, newTokens: 3, ms: 2 } satisfies GenerateResult;
      },
    };
    const scope = { visibleTypes: {}, types: {}, bareNames: {}, knownPackages: [] };
    await generateSeededCandidate(prompt, { statements: ['C c = new C();', 'int result = c.f('] }, gen, { decoding: decodingParams('product'), symbols: { scope } }, 1);
    assert.equal(calls[0].symbols, undefined);
    assert.deepEqual(calls[1].symbols, { scope, bodyBefore: '        C c = new C();\n        int result = c.f(3);\n' });
    assert.deepEqual(engineOptions(calls[1]).symbols, calls[1].symbols);
    assert.equal(engineOptions({ ...calls[1], decoding: { ...calls[1].decoding, symbolConstraint: false } }).symbols, undefined); // the setting off: not sent
  });
});
