import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { javaParser } from '../../../src/java/parser';
import { reindentMethod } from '../../../src/java/indent';
import { placeTest, type Placement } from '../../../src/java/placement';
import { makeTree, removeTree } from './tmpdir';

const FOCAL = 'package com.acme;\n\npublic class Calc {\n    public int add(int a, int b) { return a + b; }\n}\n';
const METHOD = '@Test\nvoid testAdd() {\n    assertEquals(3, new Calc().add(1, 2));\n}';

async function parses(text: string): Promise<boolean> {
  const t = (await javaParser()).parse(text);
  const ok = !t.rootNode.hasError;
  t.delete();
  return ok;
}

function apply(old: string, p: Placement): string {
  return old.slice(0, p.edit.offset) + p.edit.insertText + old.slice(p.edit.offset + p.edit.deleteLength);
}

describe('placeTest', () => {
  const roots: string[] = [];
  after(() => roots.forEach(removeTree));
  const project = (files: Record<string, string> = {}): string => {
    const r = makeTree({ 'pom.xml': '<project><artifactId>junit-jupiter</artifactId></project>', 'src/main/java/com/acme/Calc.java': FOCAL, ...files });
    roots.push(r);
    return r;
  };
  const args = (root: string, extra: Partial<Parameters<typeof placeTest>[0]> = {}) => ({
    projectRoot: root,
    focalFile: path.join(root, 'src/main/java/com/acme/Calc.java'),
    focalSource: FOCAL,
    testMethod: METHOD,
    ...extra,
  });

  it('creates a new test file with package, imports, class and method', async () => {
    const root = project();
    const p = await placeTest(args(root));
    assert.deepEqual(p.errors, []);
    assert.equal(p.created, true);
    assert.equal(p.path, path.join(root, 'src/test/java/com/acme/CalcTest.java'));
    assert.equal(
      p.text,
      'package com.acme;\n\nimport org.junit.jupiter.api.Test;\nimport static org.junit.jupiter.api.Assertions.assertEquals;\n\n' +
        'class CalcTest {\n\n    @Test\n    void testAdd() {\n        assertEquals(3, new Calc().add(1, 2));\n    }\n}\n',
    );
    assert.deepEqual(p.edit, { offset: 0, deleteLength: 0, insertText: p.text });
    assert.equal(p.methodName, 'testAdd');
    assert.equal(fs.existsSync(p.path), false, 'placeTest itself writes nothing');
  });

  it('makes a JUnit 4 class public and imports org.junit', async () => {
    const p = await placeTest(args(project(), { framework: 'junit4', testMethod: '@Test\npublic void testAdd() {\n    assertTrue(true);\n}' }));
    assert.ok(p.text.includes('import org.junit.Test;\nimport static org.junit.Assert.assertTrue;\n\npublic class CalcTest {'), p.text);
  });

  it('inserts before the closing brace, adds only missing imports, renames on a clash, keeps every other byte', async () => {
    const existing =
      'package com.acme;\n\nimport org.junit.jupiter.api.Test;\n\n// a comment that must stay\nclass CalcTest {\n    @Test\n    void testAdd() {\n    }\n}\n// trailer\n';
    const root = project({ 'src/test/java/com/acme/CalcTest.java': existing });
    const p = await placeTest(args(root, { testMethod: METHOD + '\n' }));
    assert.deepEqual(p.errors, []);
    assert.equal(p.created, false);
    assert.equal(p.methodName, 'testAdd2');
    assert.equal(
      p.text,
      'package com.acme;\n\nimport org.junit.jupiter.api.Test;\nimport static org.junit.jupiter.api.Assertions.assertEquals;\n\n// a comment that must stay\n' +
        'class CalcTest {\n    @Test\n    void testAdd() {\n    }\n\n    @Test\n    void testAdd2() {\n        assertEquals(3, new Calc().add(1, 2));\n    }\n}\n// trailer\n',
    );
    assert.equal(apply(existing, p), p.text);
    // one edit whose replaced span is re-inserted verbatim
    const span = existing.slice(p.edit.offset, p.edit.offset + p.edit.deleteLength);
    assert.ok(p.edit.insertText.includes(span));
    const again = await placeTest(args(root, { existingTestText: p.text }));
    assert.equal(again.methodName, 'testAdd3');
    assert.ok(!again.edit.insertText.includes('import'), 'no import twice');
  });

  it('respects wildcard imports and CRLF files', async () => {
    const existing = 'package com.acme;\r\n\r\nimport org.junit.jupiter.api.*;\r\nimport static org.junit.jupiter.api.Assertions.*;\r\n\r\nclass CalcTest {\r\n}\r\n';
    const p = await placeTest(args(project(), { existingTestText: existing }));
    assert.deepEqual(p.errors, []);
    assert.equal(p.edit.deleteLength, 0);
    assert.equal(p.edit.insertText, '    @Test\r\n    void testAdd() {\r\n        assertEquals(3, new Calc().add(1, 2));\r\n    }\r\n');
    assert.ok(!/[^\r]\n/.test(p.text), 'only CRLF line ends');
    assert.ok(await parses(p.text));
  });

  it('handles a one-line class body and a file without imports or package', async () => {
    const p = await placeTest(args(project(), { existingTestText: 'class CalcTest { }' }));
    assert.equal(p.text, 'import org.junit.jupiter.api.Test;\n\nimport static org.junit.jupiter.api.Assertions.assertEquals;\n\nclass CalcTest { \n    @Test\n    void testAdd() {\n        assertEquals(3, new Calc().add(1, 2));\n    }\n}');
    assert.ok(await parses(p.text));
  });

  it('puts imports after the package line when there are none, and finds the class by name', async () => {
    const existing = 'package com.acme;\n\nclass Helper {\n}\n\nclass CalcTest {\n    private int x;\n}\n';
    const p = await placeTest(args(project(), { existingTestText: existing }));
    assert.equal(
      p.text,
      'package com.acme;\n\nimport org.junit.jupiter.api.Test;\n\nimport static org.junit.jupiter.api.Assertions.assertEquals;\n\nclass Helper {\n}\n\n' +
        'class CalcTest {\n    private int x;\n\n    @Test\n    void testAdd() {\n        assertEquals(3, new Calc().add(1, 2));\n    }\n}\n',
    );
  });

  it('imports java.util types and Mockito statics when used', async () => {
    const root = project({ 'pom.xml': '<project>junit-jupiter mockito-core</project>' });
    const m = '@Test\nvoid testList() {\n    List<Integer> xs = new ArrayList<>();\n    Calc c = mock(Calc.class);\n    when(c.add(1, 2)).thenReturn(4);\n    assertEquals(4, c.add(1, 2));\n}';
    const p = await placeTest(args(root, { testMethod: m }));
    for (const imp of ['import java.util.List;', 'import java.util.ArrayList;', 'import static org.mockito.Mockito.mock;', 'import static org.mockito.Mockito.when;']) {
      assert.ok(p.text.includes(imp), `${imp} in\n${p.text}`);
    }
  });

  it('refuses input that is not one method, and a test file without a class', async () => {
    const bad = await placeTest(args(project(), { testMethod: 'void a() {} void b() {}' }));
    assert.match(bad.errors[0], /not exactly one complete, parseable method/);
    const noClass = await placeTest(args(project(), { existingTestText: 'package com.acme;\n' }));
    assert.match(noClass.errors.join(' '), /no test class/);
  });

  it('re-indents methods that came with another indentation', () => {
    assert.equal(reindentMethod('@Test\n        void t() {\n            x();\n        }', { member: '\t', unit: '\t' }), '\t@Test\n\tvoid t() {\n\t\tx();\n\t}');
    assert.equal(reindentMethod('void t() {\n  x();\n\n}', { member: '  ', unit: '  ' }), '  void t() {\n    x();\n\n  }');
  });
});
