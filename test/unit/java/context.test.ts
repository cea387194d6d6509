// buildContext / buildTrainingPair on the sample project and fixtures: formats, selectors, messages.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildContext, buildTrainingPair, CONTEXT_FORMATS } from '../../../src/java/context';

const ROOT = path.join(__dirname, '../../..');
const E = path.join(ROOT, 'examples/calculator/src');
const CALC = fs.readFileSync(path.join(E, 'main/java/com/example/calculator/Calculator.java'), 'utf8');
const CALC_TEST = fs.readFileSync(path.join(E, 'test/java/com/example/calculator/CalculatorTest.java'), 'utf8');
const FIX = path.join(ROOT, 'test/fixtures/java');
const fixture = (n: string): string => fs.readFileSync(path.join(FIX, n), 'utf8');

const ADD_BODY = 'public int add(int a, int b) {\n        return Math.addExact(a, b);\n    }';
const SIGS =
  '    public  Calculator();\n    public  Calculator(double memory);\n\n    public int subtract(int a, int b);\n' +
  '    public double divide(double dividend, double divisor);\n    public long factorial(int n);\n    public double store(double value);\n    public double recall();';

describe('buildContext', () => {
  it('renders the default format (fm+fc+c+m+f+t+tc) exactly, with the existing test class', async () => {
    const r = await buildContext(CALC, { name: 'add' }, { testSource: CALC_TEST });
    assert.deepEqual(r.errors, []);
    const expected =
      `class Calculator {\n\n    ${ADD_BODY}\n\n${SIGS}\n\n    private Calculator calculator;\n\n}\n\n` +
      'class CalculatorTest {\n\n    private Calculator calculator;\n\n    @Test\n    void testAdd2() {\n';
    assert.equal(r.context, expected);
    assert.equal(r.testMethodName, 'testAdd2'); // testAdd exists already
    assert.equal(r.method?.name, 'add');
  });

  it('renders each study format', async () => {
    const get = async (format: (typeof CONTEXT_FORMATS)[number]) => (await buildContext(CALC, { name: 'add' }, { format, testSource: CALC_TEST })).context;
    assert.equal(await get('fm'), ADD_BODY);
    assert.equal(await get('fm+fc'), `class Calculator {\n\n    ${ADD_BODY}\n\n}`);
    assert.equal(await get('fm+fc+c'), `class Calculator {\n\n    ${ADD_BODY}\n\n    public  Calculator();\n    public  Calculator(double memory);\n\n}`);
    assert.equal(await get('fm+fc+c+m'), `class Calculator {\n\n    ${ADD_BODY}\n\n${SIGS}\n\n}`);
    assert.equal(await get('fm+fc+c+m+f'), `class Calculator {\n\n    ${ADD_BODY}\n\n${SIGS}\n\n    private Calculator calculator;\n\n}`);
    const t = '\n\nclass CalculatorTest {\n\n    private Calculator calculator;\n\n    @Test\n    void testAdd2() {\n';
    assert.equal(await get('fm+t+tc'), ADD_BODY + t);
    assert.equal(await get('fm+fc+t+tc'), `class Calculator {\n\n    ${ADD_BODY}\n\n}${t}`);
    assert.equal(CONTEXT_FORMATS.length, 10);
  });

  it('starts a new test class <Focal>Test when there is none; JUnit 4 signatures are public', async () => {
    const r = await buildContext(CALC, { name: 'factorial' }, { format: 'fm+fc+t+tc', framework: 'junit4' });
    assert.ok(r.context!.endsWith('}\n\nclass CalculatorTest {\n\n    @Test\n    public void testFactorial() {\n'), r.context);
    const r5 = await buildContext(CALC, { name: 'factorial' }, { testMethodName: 'factorialOfFive' });
    assert.ok(r5.context!.endsWith('class CalculatorTest {\n\n    @Test\n    void factorialOfFive() {\n'));
  });

  it("follows the existing test class's style for public test methods", async () => {
    const pub = CALC_TEST.replace(/    void test/g, '    public void test');
    const r = await buildContext(CALC, { name: 'subtract' }, { testSource: pub, format: 'fm+t+tc' });
    assert.ok(r.context!.endsWith('    @Test\n    public void testSubtract() {\n'), r.context);
    const r4 = await buildContext(CALC, { name: 'subtract' }, { testSource: CALC_TEST, format: 'fm+t+tc', framework: 'junit4' });
    assert.ok(r4.context!.endsWith('    @Test\n    void testSubtract() {\n'), r4.context);
  });

  it('selects by 0-based line, by name and arity, and explains failures', async () => {
    const src = fixture('Overloads.java');
    assert.equal((await buildContext(src, { line: 18 })).method?.parameterTypes.join(','), 'int,int');
    assert.equal((await buildContext(src, { name: 'add', arity: 2 })).method?.parameterTypes.join(','), 'int,int');
    // add(int) and add(int...) both take one argument
    assert.match((await buildContext(src, { name: 'add', arity: 1 })).errors[0], /overloaded \(lines 14, 22\)/);
    const amb = await buildContext(src, { name: 'add' });
    assert.equal(amb.context, undefined);
    assert.match(amb.errors[0], /'add' is overloaded \(lines 14, 18, 22\)/);
    assert.match((await buildContext(src, { name: 'nope' })).errors[0], /no method 'nope' in this file \(methods: Overloads, add, join, twice\)/);
    assert.match((await buildContext(src, { line: 2 })).errors[0], /line 3 is not inside a method/);
    assert.deepEqual((await buildContext('', { line: 0 })).errors, ['the focal file is empty']);
    assert.match((await buildContext(fixture('Nested.java'), { line: 8 })).errors[0], /anonymous class/);
  });

  it('renders varargs, generics, annotations and static methods of fixtures', async () => {
    const o = await buildContext(fixture('Overloads.java'), { name: 'join' }, { format: 'fm+fc+c+m' });
    assert.ok(o.context!.includes('    public int add(int... values);\n'));
    assert.ok(o.context!.includes('    static final int twice(final int x);\n'));
    const g = await buildContext(fixture('Generics.java'), { name: 'snapshot' }, { format: 'fm+fc+c+m' });
    assert.ok(g.context!.startsWith('class Generics implements Iterable<Map.Entry<K, V>> {\n\n    public Map<K, List<V>> snapshot() {'), g.context);
    assert.ok(g.context!.includes('    public static T max(Collection<? extends T> items);\n')); // type parameters dropped, as in the study's data
    assert.ok(g.context!.includes('    @Override public Iterator<Map.Entry<K, V>> iterator();\n'));
    const a = await buildContext(fixture('Annotations.java'), { name: 'sync' }, { format: 'fm+fc+c+m' });
    assert.ok(a.context!.includes('    @Override /* kept near the modifiers */ public String toString();\n'), a.context);
    const r = await buildContext(fixture('Records.java'), { name: 'adult' }, { format: 'fm+fc+c+m' });
    assert.ok(r.context!.startsWith('class Records implements Comparable<Records> {'));
    const i = await buildContext(fixture('Interfaces.java'), { name: 'isEmpty' }, { format: 'fm+fc+c+m' });
    assert.ok(i.context!.startsWith('class Interfaces extends Comparable<Interfaces>, java.io.Serializable {'), i.context);
  });

  it('gives the same context for CRLF files, and works on unicode and broken files', async () => {
    const lf = await buildContext(CALC, { name: 'divide' }, { testSource: CALC_TEST });
    const crlf = await buildContext(CALC.replace(/\n/g, '\r\n'), { name: 'divide' }, { testSource: CALC_TEST.replace(/\n/g, '\r\n') });
    assert.equal(crlf.context, lf.context);
    const u = await buildContext(fixture('Unicode.java'), { name: 'größe' });
    assert.ok(u.context!.includes("char c = '}';"));
    assert.ok(u.context!.endsWith('void testGröße() {\n'));
    const s = await buildContext(fixture('SyntaxError.java'), { name: 'alsoFine' }, { format: 'fm' });
    assert.equal(s.context, 'public String alsoFine() {\n        return "ok";\n    }');
    assert.match(s.errors[0], /focal file: syntax errors near line 10/);
  });
});

describe('test class header (the study data\'s quirk)', () => {
  it("shows the focal class's superclass where the test class extends something", async () => {
    const focal = 'class Foo extends Base implements Runnable {\n    int f() {\n        return 1;\n    }\n    public void run() {\n    }\n}\n';
    const test = 'public class FooTest extends junit.framework.TestCase {\n    @Test\n    public void testF() {\n        assertEquals(1, new Foo().f());\n    }\n}\n';
    const p = await buildTrainingPair(focal, { name: 'f' }, test, 'testF', { format: 'fm+t+tc' });
    assert.ok(p.source!.includes('\n\nclass FooTest extends Base {\n\n'), p.source);
    const bare = await buildTrainingPair(focal.replace(' extends Base', ''), { name: 'f' }, test, 'testF', { format: 'fm+t+tc' });
    assert.ok(bare.source!.includes('\n\nclass FooTest  {\n\n'), bare.source);
    const plain = await buildTrainingPair(focal, { name: 'f' }, test.replace(' extends junit.framework.TestCase', ''), 'testF', { format: 'fm+t+tc' });
    assert.ok(plain.source!.includes('\n\nclass FooTest {\n\n'), plain.source);
  });
});

describe('buildTrainingPair', () => {
  it('splits a real test method into source and target like the benchmark', async () => {
    const p = await buildTrainingPair(CALC, { name: 'add' }, CALC_TEST, 'testAdd');
    assert.deepEqual(p.errors, []);
    assert.ok(p.source!.endsWith('class CalculatorTest {\n\n    private Calculator calculator;\n\n    @Test\n    void testAdd() {\n'), p.source);
    assert.equal(p.target, '        assertEquals(5, calculator.add(2, 3));\n        assertEquals(-1, calculator.add(2, -3));\n    }\n\n}');
  });
  it('reports a missing test method', async () => {
    const p = await buildTrainingPair(CALC, { name: 'add' }, CALC_TEST, 'testNope');
    assert.deepEqual(p.errors, ["no test method 'testNope' in the test file"]);
  });
});
