// Golden tests for listMethods on Java fixtures (test/fixtures/java/*.java vs *.methods.json).
// Regenerate after an intended change with TESTTUNE_UPDATE_GOLDEN=1 and review the diff.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { listMethods, methodAtLine, methodsNamed, type JavaMethod } from '../../../src/java/methods';

const DIR = path.join(__dirname, '../../fixtures/java');
const FIXTURES = ['Generics', 'Annotations', 'Nested', 'Enums', 'Records', 'Interfaces', 'Overloads', 'Unicode', 'SyntaxError'];

function summary(m: JavaMethod): string {
  const t = m.testable ? 'testable' : 'skip';
  return `${m.enclosingType}#${m.name}(${m.parameterTypes.join(', ')}) ${m.kind} -> ${m.returnType || '-'} [${[...m.annotations, ...m.modifiers].join(' ')}] lines ${m.startLine}-${m.endLine} name@${m.nameLine} ${t}`;
}

describe('listMethods: golden fixtures', () => {
  for (const name of FIXTURES) {
    it(`${name}.java`, async () => {
      const src = fs.readFileSync(path.join(DIR, `${name}.java`), 'utf8');
      const r = await listMethods(src);
      const got = { methods: r.methods.map(summary), errors: r.errors };
      const goldenFile = path.join(DIR, `${name}.methods.json`);
      if (process.env.TESTTUNE_UPDATE_GOLDEN) fs.writeFileSync(goldenFile, JSON.stringify(got, null, 2) + '\n');
      assert.deepEqual(got, JSON.parse(fs.readFileSync(goldenFile, 'utf8')));
      // every range holds the method's own text
      for (const m of r.methods) {
        assert.ok(src.slice(m.startIndex, m.endIndex).includes(m.name), `${m.name} range`);
        assert.equal(src.slice(0, m.startIndex).split('\n').length - 1, m.startLine);
      }
    });
  }
});

describe('listMethods: behaviour', () => {
  it('keeps methods around a syntax error and reports it', async () => {
    const r = await listMethods(fs.readFileSync(path.join(DIR, 'SyntaxError.java'), 'utf8'));
    assert.ok(r.errors.some((e) => /syntax errors near line 10/.test(e)), r.errors.join('; '));
    assert.deepEqual(r.methods.map((m) => m.name).filter((n) => n !== 'broken'), ['fine', 'alsoFine']);
  });
  it('gives a clear message for an empty file and a non-Java file', async () => {
    assert.deepEqual(await listMethods(''), { methods: [], errors: ['the file is empty'] });
    assert.deepEqual(await listMethods('  \n\t\n'), { methods: [], errors: ['the file is empty'] });
    const r = await listMethods(fs.readFileSync(path.join(DIR, 'NotJava.java'), 'utf8'));
    assert.equal(r.methods.length, 0);
    assert.ok(r.errors.some((e) => /is this a Java file/.test(e)), r.errors.join('; '));
  });
  it('gives the same methods and lines for CRLF line endings', async () => {
    const lf = fs.readFileSync(path.join(DIR, 'Overloads.java'), 'utf8');
    const crlf = lf.replace(/\n/g, '\r\n');
    const a = await listMethods(lf);
    const b = await listMethods(crlf);
    assert.deepEqual(b.methods.map((m) => [m.name, m.startLine, m.endLine, m.parameterTypes]), a.methods.map((m) => [m.name, m.startLine, m.endLine, m.parameterTypes]));
    for (const m of b.methods) assert.ok(crlf.slice(m.startIndex, m.endIndex).includes(m.name));
  });
  it('uses UTF-16 offsets (string indices) with non-ASCII text', async () => {
    const src = fs.readFileSync(path.join(DIR, 'Unicode.java'), 'utf8');
    const r = await listMethods(src);
    const m = r.methods.find((x) => x.name === 'größe')!;
    assert.ok(src.slice(m.startIndex, m.endIndex).startsWith('public String größe(String 名前) {'));
    assert.ok(src.slice(m.startIndex, m.endIndex).endsWith('}'));
  });
  it('finds methods by line (innermost) and by name and arity', async () => {
    const src = fs.readFileSync(path.join(DIR, 'Nested.java'), 'utf8');
    const { methods } = await listMethods(src);
    assert.equal(methodAtLine(methods, 8)?.name, 'run'); // inside the anonymous class
    assert.equal(methodAtLine(methods, 16)?.name, 'outer');
    assert.equal(methodAtLine(methods, 1), undefined);
    const o = (await listMethods(fs.readFileSync(path.join(DIR, 'Overloads.java'), 'utf8'))).methods;
    assert.equal(methodsNamed(o, 'add').length, 3);
    assert.deepEqual(methodsNamed(o, 'add', 2).map((m) => m.parameterTypes), [['int', 'int']]);
  });
  it('handles a generated 10,000-line file', async function () {
    this.timeout(60000); // speed is measured by scripts/bench/java.mjs, not here
    const lines = ['package big;', '', 'public class Big {'];
    let n = 0;
    while (lines.length + 5 <= 9999) {
      lines.push(`    public int m${n}(int x) {`, `        int y = x * ${n};`, `        return y + ${n};`, '    }', '');
      n++;
    }
    while (lines.length < 9999) lines.push('    // padding');
    lines.push('}');
    const src = lines.join('\n');
    const r = await listMethods(src);
    assert.equal(src.split('\n').length, 10000);
    assert.equal(r.methods.length, n);
    assert.deepEqual(r.errors, []);
    assert.equal(r.methods[n - 1].name, `m${n - 1}`);
  });
});
