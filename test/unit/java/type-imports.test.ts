// Imports for the types a generated test names, and the test class's assertion style (JUnit 3/4/5),
// alone and through placement (pure logic over temporary project trees).
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { javaParser, type SyntaxNode } from '../../../src/java/parser';
import { members } from '../../../src/java/ast';
import { applyMethodEdits, assertionStyle, styleEdits } from '../../../src/java/assertion-style';
import { placeTest } from '../../../src/java/placement';
import { namedTypes, resolveType, singleTypeImports, sourceRootOf, type TypeContext } from '../../../src/java/type-imports';
import { makeTree, removeTree } from './tmpdir';

async function withMethod<T>(methodText: string, f: (m: SyntaxNode) => T): Promise<T> {
  const tree = (await javaParser()).parse(`class __W {\n${methodText}\n}\n`);
  try {
    const decl = tree.rootNode.namedChildren.find((c) => c?.type === 'class_declaration')!;
    return f(members(decl).find((m) => m.type === 'method_declaration')!);
  } finally {
    tree.delete();
  }
}

async function styled(methodText: string, style: 'junit3' | 'junit4' | 'junit5'): Promise<string> {
  return withMethod(methodText, (m) => applyMethodEdits(m.text, styleEdits(m, style).edits));
}

const FOCAL = [
  'package com.acme.core;',
  'import java.awt.List;',
  'import com.acme.model.Order;',
  'import static java.lang.Math.max;',
  'import java.util.*;',
  'public class Calc {',
  '    public int add(int a, int b) { return a + b; }',
  '}',
  '',
].join('\n');

describe('type imports', () => {
  const roots: string[] = [];
  after(() => roots.forEach(removeTree));
  const project = () => {
    const root = makeTree({
      'pom.xml': '<project><artifactId>junit-jupiter</artifactId></project>',
      'src/main/java/com/acme/core/Calc.java': FOCAL,
      'src/main/java/com/acme/core/Money.java': 'package com.acme.core;\npublic class Money {}\n',
      'src/main/java/com/acme/util/Strings.java': 'package com.acme.util;\npublic class Strings {}\n',
      'src/main/java/com/acme/a/Node.java': 'package com.acme.a;\npublic class Node {}\n',
      'src/main/java/com/acme/b/Node.java': 'package com.acme.b;\npublic class Node {}\n',
      'src/test/java/com/acme/core/Helper.java': 'package com.acme.core;\nclass Helper {}\n',
    });
    roots.push(root);
    return root;
  };

  it('names the types a method uses: type identifiers, the left of Map.Entry, capitalised receivers; not its locals or constants', async () => {
    const names = await withMethod(
      '@Test\nvoid t() throws IOException {\n  Map.Entry<String, BigDecimal> e = null;\n  Files.readAllLines(p);\n  int x = TimeUnit.SECONDS.ordinal();\n  Foo Bar = null;\n  Bar.run();\n  MAX.run();\n  new Money();\n}',
      namedTypes,
    );
    assert.deepEqual([...names].sort(), ['BigDecimal', 'Files', 'Foo', 'IOException', 'Map', 'Money', 'String', 'TimeUnit']);
  });

  it('reads the focal file\'s single-type imports and the source root of a file', () => {
    assert.deepEqual([...singleTypeImports(FOCAL)], [['List', 'java.awt.List'], ['Order', 'com.acme.model.Order']]);
    assert.equal(sourceRootOf('/p/src/main/java/com/acme/core/Calc.java', 'com.acme.core'), '/p/src/main/java');
    assert.equal(sourceRootOf('/p/elsewhere/Calc.java', 'com.acme.core'), '');
  });

  it('resolves in order: java.lang and the test package need nothing; focal imports; focal package; the main root; the JDK table', () => {
    const root = project();
    const ctx: TypeContext = {
      focalImports: singleTypeImports(FOCAL),
      focalPackage: 'com.acme.core',
      focalPackageTypes: new Set(['Calc', 'Money']),
      testPackage: 'com.acme.tests',
      testPackageTypes: new Set(['Helper']),
      declared: new Set(['CalcTest']),
      mainRoot: path.join(root, 'src/main/java'),
      framework: 'junit5',
      mockito: false,
    };
    const r = (n: string) => resolveType(n, ctx);
    assert.equal(r('String'), undefined);
    assert.equal(r('Helper'), undefined);
    assert.equal(r('CalcTest'), undefined);
    assert.equal(r('List'), 'java.awt.List', 'the focal file imports it');
    assert.equal(r('Order'), 'com.acme.model.Order');
    assert.equal(r('Money'), 'com.acme.core.Money', 'the focal package, the test being in another');
    assert.equal(r('Strings'), 'com.acme.util.Strings', 'the one Strings.java under the main root');
    assert.equal(r('Node'), undefined, 'two Node.java: ambiguous, left to javac');
    assert.equal(r('BigDecimal'), 'java.math.BigDecimal');
    assert.equal(r('Path'), 'java.nio.file.Path');
    assert.equal(r('Collectors'), 'java.util.stream.Collectors');
    assert.equal(r('Nowhere'), undefined);
    assert.equal(r('Assertions'), 'org.junit.jupiter.api.Assertions');
    assert.equal(r('Mockito'), undefined, 'no Mockito on the classpath');
    assert.equal(resolveType('Money', { ...ctx, testPackage: 'com.acme.core' }), undefined, 'same package');
    assert.equal(resolveType('Assert', { ...ctx, framework: 'junit4' }), 'org.junit.Assert');
  });

  it('placement imports what the method names, once per simple name, and nothing the file already has', async () => {
    const root = project();
    const focalFile = path.join(root, 'src/main/java/com/acme/core/Calc.java');
    const testMethod = '@Test\nvoid testAdd() {\n  List l = null;\n  BigDecimal d = BigDecimal.ONE;\n  Strings s = new Strings();\n  assertEquals(3, new Calc().add(1, 2));\n}';
    const created = await placeTest({ projectRoot: root, focalFile, focalSource: FOCAL, testMethod });
    assert.deepEqual(created.errors, []);
    for (const i of ['import java.awt.List;', 'import java.math.BigDecimal;', 'import com.acme.util.Strings;', 'import org.junit.jupiter.api.Test;', 'import static org.junit.jupiter.api.Assertions.assertEquals;'])
      assert.ok(created.text.includes(i), `${i} in\n${created.text}`);
    assert.ok(!created.text.includes('import java.util.List;'), 'the focal file\'s List wins over the java.util table');
    const existing = 'package com.acme.core;\n\nimport java.math.*;\nimport org.junit.jupiter.api.Test;\n\nclass CalcTest {\n}\n';
    const inserted = await placeTest({ projectRoot: root, focalFile, focalSource: FOCAL, testMethod, existingTestText: existing });
    assert.ok(!inserted.text.includes('import java.math.BigDecimal;'), 'java.math.* already imports it');
    assert.ok(!inserted.text.includes('import com.acme.core'), 'same package');
  });
});

describe('assertion style of the test class', () => {
  it('detects JUnit 3 by extends TestCase', () => {
    assert.equal(assertionStyle('public class FooTest extends TestCase {', 'junit4'), 'junit3');
    assert.equal(assertionStyle('public class FooTest extends junit.framework.TestCase {', 'junit5'), 'junit3');
    assert.equal(assertionStyle('public class FooTest extends BaseTest {', 'junit5'), 'junit5');
    assert.equal(assertionStyle(undefined, 'junit4'), 'junit4');
  });

  it('JUnit 5: Assert.x → Assertions.x, a leading message moved last; assertThat and unqualified calls untouched', async () => {
    assert.equal(
      await styled('@Test\nvoid t() {\n  Assert.assertEquals("sum", 3, c.add(1, 2));\n  Assert.assertTrue(ok);\n  Assert.assertNull("none", x);\n  Assert.assertThat(x, is(1));\n  assertEquals("a", x);\n}', 'junit5'),
      '@Test\nvoid t() {\n  Assertions.assertEquals(3, c.add(1, 2), "sum");\n  Assertions.assertTrue(ok);\n  Assertions.assertNull(x, "none");\n  Assert.assertThat(x, is(1));\n  assertEquals("a", x);\n}',
    );
  });

  it('JUnit 4: Assertions.x → Assert.x, a trailing message moved first', async () => {
    assert.equal(await styled('void t() {\n  Assertions.assertEquals(3, x, "sum");\n  Assertions.assertFalse(b);\n}', 'junit4'), 'void t() {\n  Assert.assertEquals("sum", 3, x);\n  Assert.assertFalse(b);\n}');
  });

  it('JUnit 3: no @Test, public, named test…, TestCase\'s own assertions', async () => {
    assert.equal(
      await styled('@Test\n    void addsNumbers() {\n  Assert.assertEquals(3, x);\n  Assertions.assertTrue(b);\n}', 'junit3'),
      'public void testAddsNumbers() {\n  assertEquals(3, x);\n  assertTrue(b);\n}',
    );
    assert.equal(await styled('@Test\npublic void testAdd() throws Exception {\n  assertEquals(3, x);\n}', 'junit3'), 'public void testAdd() throws Exception {\n  assertEquals(3, x);\n}');
  });

  it('placement into a JUnit 3 class adds no org.junit import and the renamed method is the one placed', async () => {
    const root = makeTree({ 'pom.xml': '<project><artifactId>junit</artifactId><version>3.8.1</version></project>', 'src/main/java/com/acme/Calc.java': 'package com.acme;\npublic class Calc {}\n' });
    try {
      const existing = 'package com.acme;\n\nimport junit.framework.TestCase;\n\npublic class CalcTest extends TestCase {\n}\n';
      const p = await placeTest({
        projectRoot: root,
        focalFile: path.join(root, 'src/main/java/com/acme/Calc.java'),
        focalSource: 'package com.acme;\npublic class Calc {}\n',
        testMethod: '@Test\nvoid adds() {\n  Assert.assertEquals(3, new Calc().hashCode());\n}',
        existingTestText: existing,
        framework: 'junit4',
        mockito: false,
      });
      assert.deepEqual(p.errors, []);
      assert.ok(!/import (static )?org\.junit/.test(p.text), p.text);
      assert.equal(p.methodName, 'testAdds');
      assert.match(p.text, /public void testAdds\(\) \{\n\s+assertEquals\(3, new Calc\(\)\.hashCode\(\)\);/);
    } finally {
      removeTree(root);
    }
  });

  it('placement into a JUnit 5 class rewrites Assert and imports Assertions', async () => {
    const root = makeTree({ 'pom.xml': '<project><artifactId>junit-jupiter</artifactId></project>', 'src/main/java/com/acme/Calc.java': 'package com.acme;\npublic class Calc {}\n' });
    try {
      const p = await placeTest({
        projectRoot: root,
        focalFile: path.join(root, 'src/main/java/com/acme/Calc.java'),
        focalSource: 'package com.acme;\npublic class Calc {}\n',
        testMethod: '@Test\nvoid adds() {\n  Assert.assertEquals("m", 3, new Calc().hashCode());\n}',
        framework: 'junit5',
        mockito: false,
      });
      assert.match(p.text, /import org\.junit\.jupiter\.api\.Assertions;/);
      assert.match(p.text, /Assertions\.assertEquals\(3, new Calc\(\)\.hashCode\(\), "m"\);/);
      assert.ok(!p.text.includes('org.junit.Assert'));
    } finally {
      removeTree(root);
    }
  });
});
