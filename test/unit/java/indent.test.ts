import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { detectIndentation, reindentMethod } from '../../../src/java/indent';
import { placeTest } from '../../../src/java/placement';
import { makeTree, removeTree } from './tmpdir';

const FOCAL = 'package com.acme;\n\npublic class Calc {\n    public int add(int a, int b) { return a + b; }\n}\n';
// what the model really emits: an unindented signature, a body indented as in its source class,
// a tab on one line and the closing brace at the source's member indentation
const MODEL_METHOD =
  '@Test\nvoid testAdd() {\n        Calc calc = new Calc();\n\twhen(calc.add(1, 2))\n            .thenReturn(3);\n        assertEquals(\n            3,\n            calc.add(1, 2));\n    }';

describe('indentation of a placed test method', () => {
  const roots: string[] = [];
  after(() => roots.forEach(removeTree));
  const place = async (existing: string, testMethod = MODEL_METHOD): Promise<string> => {
    const root = makeTree({ 'pom.xml': '<project>junit-jupiter mockito-core</project>', 'src/main/java/com/acme/Calc.java': FOCAL });
    roots.push(root);
    const p = await placeTest({ projectRoot: root, focalFile: path.join(root, 'src/main/java/com/acme/Calc.java'), focalSource: FOCAL, testMethod, existingTestText: existing });
    assert.deepEqual(p.errors, []);
    return p.text;
  };
  const HEAD = 'package com.acme;\n\nimport org.junit.jupiter.api.Test;\nimport static org.junit.jupiter.api.Assertions.assertEquals;\nimport static org.mockito.Mockito.when;\n\n';

  it('follows a file indented with 4 spaces', async () => {
    const text = await place(HEAD + 'class CalcTest {\n    @Test\n    void other() {\n        assertEquals(1, 1);\n    }\n}\n');
    assert.equal(
      text,
      HEAD +
        'class CalcTest {\n    @Test\n    void other() {\n        assertEquals(1, 1);\n    }\n\n' +
        '    @Test\n    void testAdd() {\n        Calc calc = new Calc();\n        when(calc.add(1, 2))\n            .thenReturn(3);\n' +
        '        assertEquals(\n            3,\n            calc.add(1, 2));\n    }\n}\n',
    );
  });

  it('follows a file indented with 2 spaces', async () => {
    const text = await place(HEAD + 'class CalcTest {\n  @Test\n  void other() {\n    assertEquals(1, 1);\n  }\n}\n');
    assert.equal(
      text,
      HEAD +
        'class CalcTest {\n  @Test\n  void other() {\n    assertEquals(1, 1);\n  }\n\n' +
        '  @Test\n  void testAdd() {\n    Calc calc = new Calc();\n    when(calc.add(1, 2))\n      .thenReturn(3);\n' +
        '    assertEquals(\n      3,\n      calc.add(1, 2));\n  }\n}\n',
    );
  });

  it('follows a file indented with tabs', async () => {
    const text = await place(HEAD + 'class CalcTest {\n\t@Test\n\tvoid other() {\n\t\tassertEquals(1, 1);\n\t}\n}\n');
    assert.equal(
      text,
      HEAD +
        'class CalcTest {\n\t@Test\n\tvoid other() {\n\t\tassertEquals(1, 1);\n\t}\n\n' +
        '\t@Test\n\tvoid testAdd() {\n\t\tCalc calc = new Calc();\n\t\twhen(calc.add(1, 2))\n\t\t\t.thenReturn(3);\n' +
        '\t\tassertEquals(\n\t\t\t3,\n\t\t\tcalc.add(1, 2));\n\t}\n}\n',
    );
  });

  it('uses 4 spaces in an empty class, and no tab ever reaches a file indented with spaces', async () => {
    const text = await place(HEAD + 'class CalcTest {\n}\n');
    assert.equal(
      text,
      HEAD +
        'class CalcTest {\n' +
        '    @Test\n    void testAdd() {\n        Calc calc = new Calc();\n        when(calc.add(1, 2))\n            .thenReturn(3);\n' +
        '        assertEquals(\n            3,\n            calc.add(1, 2));\n    }\n}\n',
    );
    assert.ok(!text.includes('\t'));
  });

  it('follows a class that holds only fields', async () => {
    const text = await place(HEAD + 'class CalcTest {\n   private final Calc calc = new Calc();\n   private int x;\n}\n', '@Test\nvoid testAdd() {\n  assertEquals(3, calc.add(1, 2));\n}');
    assert.equal(
      text,
      HEAD +
        'class CalcTest {\n   private final Calc calc = new Calc();\n   private int x;\n\n   @Test\n   void testAdd() {\n      assertEquals(3, calc.add(1, 2));\n   }\n}\n',
    );
  });

  it('leaves the inside of a text block and a string split over lines as they were', async () => {
    const method =
      '@Test\nvoid testAdd() {\n            String json = """\n              {"a": 1,\n                "b": [2]}\n              """;\n' +
      '            String msg = "one {" +\n   "two }";\n            assertEquals(json, msg);\n        }';
    const text = await place(HEAD + 'class CalcTest {\n  int x;\n}\n', method);
    assert.equal(
      text,
      HEAD +
        'class CalcTest {\n  int x;\n\n  @Test\n  void testAdd() {\n    String json = """\n              {"a": 1,\n                "b": [2]}\n              """;\n' +
        '    String msg = "one {" +\n      "two }";\n    assertEquals(json, msg);\n  }\n}\n',
    );
  });

  it('keeps CRLF line ends in a CRLF file', async () => {
    const crlf = (s: string): string => s.replace(/\n/g, '\r\n');
    const text = await place(crlf(HEAD + 'class CalcTest {\n    int x;\n}\n'));
    assert.equal(
      text,
      crlf(
        HEAD +
          'class CalcTest {\n    int x;\n\n' +
          '    @Test\n    void testAdd() {\n        Calc calc = new Calc();\n        when(calc.add(1, 2))\n            .thenReturn(3);\n' +
          '        assertEquals(\n            3,\n            calc.add(1, 2));\n    }\n}\n',
      ),
    );
  });
});

describe('reindentMethod and detectIndentation', () => {
  it('indents by brackets: lambdas, Allman braces, brace-less ifs, comments, closers at line start', () => {
    const method = '@Test @DisplayName("a {")\nvoid t()\n{\n/* c\n* d */\nint x = 1; // {\nif (x > 0)\nx++;\nassertThrows(X.class, () -> {\nrun(\'}\');\n});\n}';
    assert.equal(
      reindentMethod(method, { member: '  ', unit: '  ' }),
      '  @Test @DisplayName("a {")\n  void t()\n  {\n    /* c\n     * d */\n    int x = 1; // {\n    if (x > 0)\n      x++;\n    assertThrows(X.class, () -> {\n      run(\'}\');\n    });\n  }',
    );
  });

  it('puts a closing brace that ends a statement line on a line of its own; one-line methods stay', () => {
    assert.equal(reindentMethod('@Test\nvoid t() {\nint a=1;}'), '    @Test\n    void t() {\n        int a=1;\n    }');
    assert.equal(reindentMethod('void t() {\n  if (x) { y(); } }'), '    void t() {\n        if (x) { y(); }\n    }');
    assert.equal(reindentMethod('@Test void t() { x(); }'), '    @Test void t() { x(); }');
    assert.equal(reindentMethod('@Test\nvoid t() { x(); }'), '    @Test\n    void t() { x(); }');
  });

  it('finds the unit from the members that start their line, else four spaces', () => {
    const text = 'class A {\n\tint a;\n\tint b; int c;\n}';
    const starts = ['int a', 'int b', 'int c'].map((s) => text.indexOf(s));
    assert.deepEqual(detectIndentation(text, starts), { member: '\t', unit: '\t' });
    assert.deepEqual(detectIndentation('class A { int a; }', [10]), { member: '    ', unit: '    ' });
    assert.deepEqual(detectIndentation('class A {\n  int a;\n}', [12]), { member: '  ', unit: '  ' });
  });
});
