import { strict as assert } from 'node:assert';
import { extractTestMethod } from '../../../src/java/extract';
import { buildContext } from '../../../src/java/context';
import { promptSignature } from '../../../src/pipeline/prompt';

describe('extractTestMethod', () => {
  it('turns a body-only completion (the study format) into a full method, dropping the class brace', async () => {
    const sig = '    @Test\n    void testAdd() {\n';
    const out = '        assertEquals(3, calc.add(1, 2));\n    }\n\n}\n\nclass Other {}';
    const r = await extractTestMethod(out, { signature: sig });
    assert.deepEqual(r, { method: '    @Test\n    void testAdd() {\n        assertEquals(3, calc.add(1, 2));\n    }', complete: true, errors: [] });
  });

  it('completes a prompt from buildContext end to end', async () => {
    const ctx = await buildContext('class Calc {\n    int add(int a, int b) {\n        return a + b;\n    }\n}\n', { name: 'add' });
    const sig = promptSignature(ctx.context!)!;
    assert.equal(sig, '    @Test\n    void testAdd() {\n');
    const r = await extractTestMethod('        assertEquals(3, new Calc().add(1, 2));\n    }\n\n}', { signature: sig });
    assert.equal(r.method, '    @Test\n    void testAdd() {\n        assertEquals(3, new Calc().add(1, 2));\n    }');
  });

  it('cuts a full method at its closing brace, ignoring braces in strings, chars and comments', async () => {
    const out = 'Here is a test:\n@Test\npublic void testBraces() {\n  String s = "}}{"; char c = \'}\'; // }\n  /* } */ assertEquals("}", s.substring(0, 1));\n}\n@Test void next() {}';
    const r = await extractTestMethod(out);
    assert.equal(r.complete, true, r.errors.join('; '));
    assert.equal(r.method, '@Test\npublic void testBraces() {\n  String s = "}}{"; char c = \'}\'; // }\n  /* } */ assertEquals("}", s.substring(0, 1));\n}');
  });

  it('starts at a test annotation that follows prose on the same line', async () => {
    const r = await extractTestMethod('Sure! @Test\nvoid t() {\n  x();\n}\n');
    assert.equal(r.method, '@Test\nvoid t() {\n  x();\n}');
  });

  it('keeps annotations that hold braces', async () => {
    const r = await extractTestMethod('@Test(groups = {"fast"})\npublic void t() {\n  x();\n}\n}');
    assert.equal(r.complete, true, r.errors.join('; '));
    assert.equal(r.method, '@Test(groups = {"fast"})\npublic void t() {\n  x();\n}');
  });

  it('reports output that ends before the method closes, and output that does not parse', async () => {
    const cut = await extractTestMethod('        assertEquals(1, 1);\n', { signature: '@Test\nvoid t() {\n' });
    assert.deepEqual(cut, { complete: false, errors: ["the output ended before the method's closing brace"] });
    const bad = await extractTestMethod('    int x = ;\n  }\n}', { signature: '@Test\nvoid t() {\n' });
    assert.equal(bad.complete, false);
    assert.match(bad.errors[0], /does not parse/);
    assert.equal(bad.method, '@Test\nvoid t() {\n    int x = ;\n  }');
    const sig = await extractTestMethod('}', { signature: 'void t()' });
    assert.deepEqual(sig.errors, ["the signature must end with '{'"]);
  });

  it('handles text blocks with braces', async () => {
    const r = await extractTestMethod('  String j = """\n    { "a": "}" }\n    """;\n  assertNotNull(j);\n}\n}', { signature: '@Test\nvoid json() {\n' });
    assert.equal(r.complete, true, r.errors.join('; '));
    assert.ok(r.method!.endsWith('assertNotNull(j);\n}'));
  });
});
