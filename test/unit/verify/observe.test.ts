// The observation rule: a test that calls the focal method but asserts nothing gets a placeholder
// assertion on the result, which the regression repair later turns into the observed value.
import { strict as assert } from 'node:assert';
import { observeResult, placeholderFor } from '../../../src/verify/observe';

const cls = (body: string) => `class CalcTest {\n    @Test\n    void testF() {\n${body}    }\n}\n`;
const focal = { className: 'demo.Calc', methodName: 'factorial' };

describe('verify: observe the focal method\'s result', () => {
  it('adds an assertion after the last local that holds the result', async () => {
    const r = await observeResult(cls('        Calc c = new Calc();\n        long a = c.factorial(3);\n        long b = c.factorial(5);\n        System.out.println(b);\n'), 'testF', focal);
    assert.ok(r.classText);
    assert.ok(r.classText!.includes('        long b = c.factorial(5);\n        assertEquals(0L, b);\n        System.out.println(b);'), r.classText);
    assert.match(r.applied[0], /assertEquals\(0L, b\)/);
  });

  it('keeps a discarded result in a new local, named so that it does not clash', async () => {
    const r = await observeResult(cls('        int observed = 1;\n        calc.factorial(4);\n'), 'testF', { ...focal, returnType: 'int' });
    assert.ok(r.classText!.includes('        int observed2 = calc.factorial(4);\n        assertEquals(0, observed2);\n'), r.classText);
  });

  it('uses a delta for floating point and quotes for strings', () => {
    assert.deepEqual(placeholderFor('double'), { expected: '0.0', delta: '1e-9' });
    assert.deepEqual(placeholderFor('String'), { expected: '""' });
    assert.equal(placeholderFor('Integer'), undefined, 'boxed: assertEquals(int, Integer) is ambiguous in JUnit 4');
    assert.equal(placeholderFor('List<String>'), undefined);
  });

  it('observes nothing it cannot write back, and says why', async () => {
    const obj = await observeResult(cls('        List<String> l = calc.factorial(4);\n'), 'testF', focal);
    assert.ok(obj.classText!.includes('        assertNotNull(l);\n'), 'an object is observed as not null');
    const untyped = await observeResult(cls('        var l = calc.factorial(4);\n'), 'testF', focal);
    assert.equal(untyped.classText, undefined);
    assert.match(untyped.notes[0], /cannot be observed/);
    const none = await observeResult(cls('        int x = 1;\n'), 'testF', focal);
    assert.equal(none.classText, undefined);
    assert.match(none.notes[0], /does not call factorial/);
    const discarded = await observeResult(cls('        calc.factorial(4);\n'), 'testF', focal);
    assert.equal(discarded.classText, undefined, 'without the return type a discarded result is not observed');
    const broken = await observeResult('class {{{', 'testF', focal);
    assert.equal(broken.classText, undefined);
  });
});
