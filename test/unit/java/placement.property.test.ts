// Property test: 500 random insertions into generated, real-looking test classes (seeded PRNG).
// Each must keep every original line (in order), apply as one edit, add exactly one method with a
// unique name, and leave a file that parses.
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { javaParser } from '../../../src/java/parser';
import { placeTest } from '../../../src/java/placement';
import { makeTree, removeTree } from './tmpdir';
import { rng as mulberry32 } from '../../../src/util/rng';


const NAMES = ['testAdd', 'testSubtract', 'shouldWork', 'testParse', 'handlesEmpty', 'testAdd2', 'roundTrip'];
const STATEMENTS = [
  'assertEquals(3, calc.add(1, 2));',
  'String s = "}{ not a brace";',
  "char c = '{';",
  '// a comment with } braces {',
  '/* block } comment */ int x = 1;',
  'List<String> names = new ArrayList<>();',
  'assertTrue(names.isEmpty());',
  'Map<String, Integer> m = new HashMap<>();',
  'assertThrows(IllegalArgumentException.class, () -> { throw new IllegalArgumentException("x"); });',
  'Runnable r = new Runnable() { public void run() { } };',
  'if (calc != null) { assertNotNull(calc); }',
  'String json = """\n{ "a": 1 }\n""";',
];

function pick<T>(rnd: () => number, xs: T[]): T {
  return xs[Math.floor(rnd() * xs.length)];
}

function body(rnd: () => number, indent: string): string {
  const n = 1 + Math.floor(rnd() * 4);
  const lines: string[] = [];
  for (let i = 0; i < n; i++) lines.push(pick(rnd, STATEMENTS).split('\n').map((l) => indent + l).join('\n'));
  return lines.join('\n');
}

function testClass(rnd: () => number): string {
  const ind = pick(rnd, ['    ', '  ', '\t']);
  const out: string[] = [];
  if (rnd() < 0.1) out.push('/*', ' * Licence header { with braces }', ' */');
  if (rnd() < 0.8) out.push('package com.acme.calc;', '');
  const imports = ['import org.junit.jupiter.api.Test;', 'import org.junit.jupiter.api.BeforeEach;', 'import java.util.List;', 'import static org.junit.jupiter.api.Assertions.assertEquals;', 'import static org.junit.jupiter.api.Assertions.*;', 'import java.util.*;'];
  for (const i of imports) if (rnd() < 0.4) out.push(i);
  if (out.length && out[out.length - 1] !== '') out.push('');
  if (rnd() < 0.3) out.push('@DisplayName("calc { tests }")');
  out.push(`${rnd() < 0.5 ? 'public ' : ''}class CalcTest${rnd() < 0.2 ? ' extends Base' : ''} {`);
  if (rnd() < 0.7) out.push(`${ind}private Calc calc = new Calc();`, '');
  const methods = Math.floor(rnd() * 5);
  for (let i = 0; i < methods; i++) {
    out.push(`${ind}@Test`, `${ind}void ${pick(rnd, NAMES)}${i}() {`, body(rnd, ind + ind), `${ind}}`);
    if (rnd() < 0.7) out.push('');
  }
  if (rnd() < 0.2) out.push(`${ind}static class Helper {`, `${ind}${ind}int help() { return 1; }`, `${ind}}`);
  if (rnd() < 0.15) out.push(`${ind}// last member comment }`);
  out.push('}');
  if (rnd() < 0.2) out.push('class Base {}');
  let text = out.join('\n') + (rnd() < 0.8 ? '\n' : '');
  if (rnd() < 0.25) text = text.replace(/\n/g, '\r\n');
  return text;
}

function generatedMethod(rnd: () => number): string {
  const ind = pick(rnd, ['', '    ', '        ', '\t']);
  const name = pick(rnd, NAMES.map((n) => n + String(Math.floor(rnd() * 3))));
  return `${ind}@Test\n${ind}void ${name}() {\n${body(rnd, ind + '    ')}\n${ind}}`;
}

/** True when `sub` lines appear in `all` lines in order. */
function isSubsequence(sub: string[], all: string[]): boolean {
  let j = 0;
  for (const line of all) if (j < sub.length && line === sub[j]) j++;
  return j === sub.length;
}

describe('placement property: 500 random insertions', function () {
  this.timeout(120000);
  let root = '';
  before(() => {
    root = makeTree({ 'pom.xml': '<project>junit-jupiter</project>', 'src/main/java/com/acme/calc/Calc.java': 'package com.acme.calc;\npublic class Calc {}\n' });
  });
  after(() => removeTree(root));

  it('never loses an original line and always parses', async () => {
    const rnd = mulberry32(20241106);
    const parser = await javaParser();
    for (let i = 0; i < 500; i++) {
      const original = testClass(rnd);
      const method = generatedMethod(rnd);
      const p = await placeTest({
        projectRoot: root,
        focalFile: path.join(root, 'src/main/java/com/acme/calc/Calc.java'),
        focalSource: 'package com.acme.calc;\npublic class Calc {}\n',
        testMethod: method,
        existingTestText: original,
      });
      const ctx = `case ${i}:\n${original}\n--- method:\n${method}\n--- result:\n${p.text}\n--- errors: ${p.errors.join('; ')}`;
      assert.deepEqual(p.errors, [], ctx);
      assert.equal(original.slice(0, p.edit.offset) + p.edit.insertText + original.slice(p.edit.offset + p.edit.deleteLength), p.text, ctx);
      assert.ok(isSubsequence(original.split('\n'), p.text.split('\n')), `lost a line in ${ctx}`);
      const tree = parser.parse(p.text);
      try {
        assert.equal(tree.rootNode.hasError, false, `does not parse: ${ctx}`);
        const cls = tree.rootNode.namedChildren.find((c) => c?.type === 'class_declaration' && c.childForFieldName('name')?.text === 'CalcTest')!;
        const names = cls.childForFieldName('body')!.namedChildren.filter((c) => c?.type === 'method_declaration').map((c) => c!.childForFieldName('name')!.text);
        assert.equal(new Set(names).size, names.length, `duplicate method names: ${ctx}`);
        assert.ok(names.includes(p.methodName), ctx);
      } finally {
        tree.delete();
      }
    }
  });
});
