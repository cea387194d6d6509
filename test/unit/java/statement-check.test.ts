// "Not a statement" (JLS 14.8): the statement reader alone, and the bracket guard refusing the `;` that
// would end such a statement (pure logic).
import { strict as assert } from 'node:assert';
import { BracketGuard } from '../../../src/java/bracket-guard';
import { blockOpening, isStatement } from '../../../src/java/statement-check';

/** True when the guard accepts the whole body fed in one piece after the method's `{`. */
function guardAccepts(body: string, lenient = false): boolean {
  const g = new BracketGuard(1);
  g.lenient = lenient;
  return g.feed(body);
}

const ACCEPTED = [
  'x = 1',
  'x += y',
  'a[0] = b',
  'this.count = 0',
  'i++',
  '++i',
  'a[i]--',
  'foo()',
  'foo.bar()',
  'builder.with(1).build()',
  'this.<String>foo()',
  'Collections.<String>emptyList()',
  'new Foo()',
  'new Foo<>()',
  'new java.util.ArrayList<String>()',
  'new Foo() {}',
  'new Foo() {}.run()',
  '".length()', // a literal is one `"`, as the bracket guard writes it
  '(a).foo()',
  '((Foo) x).bar()',
  'super.foo()',
  'this(1)',
  'outer.new Inner()',
  'Foo x',
  'int[] a',
  'int a[]',
  'List<String> xs',
  'Map<String, List<Integer>> m',
  'Map.Entry<K, V> e',
  'final Foo x',
  'var x = foo()',
  'int a = 1, b = 2',
  'String s = " + b',
  '@SuppressWarnings(") int a',
  'return x',
  'return',
  'throw e',
  'break',
  'continue outer',
  'assert x : "m"',
  'yield x',
  '',
  'if (x) foo()',
  'if (x) return',
  'else bar()',
  'while (x)',
  'for (int i = 0; i < n; i++)',
  'do foo()',
  'outer: foo()',
  'case 1: foo()',
  'default: return x',
  'case 1 -> "a"',
  'x >>= 2',
  'x >>>= 2',
  'x <<= 1',
  'Runnable r = () -> {}',
  'foo(a +', // unbalanced: not understood, never refused
];

const REFUSED = [
  'builder.with',
  'x',
  'a + b',
  '"s"',
  '1',
  'true',
  'foo.bar.baz',
  'foo().bar',
  'a[0]',
  'new int[3]',
  'new int[] {}',
  '(foo())',
  '(Foo) x.bar()',
  'Foo::bar',
  '-x',
  '!done',
  'x instanceof Foo',
  'a.b() + 1',
  'x == y',
  'c ? a() : b()',
  '() -> foo()',
  'if (x) y',
  'else y.z',
  'case 2: y',
  'outer: x',
];

describe('not a statement (JLS 14.8)', () => {
  for (const s of ACCEPTED) it(`accepts ${JSON.stringify(s)}`, () => assert.equal(isStatement(s), true));
  for (const s of REFUSED) it(`refuses ${JSON.stringify(s)}`, () => assert.equal(isStatement(s), false));

  it('blockOpening: statement blocks, blocks inside an expression, class bodies', () => {
    assert.deepEqual(blockOpening('if (x) ', false), { continues: false, classBody: false });
    assert.deepEqual(blockOpening('for (int i = 0; i < n; i++) ', false), { continues: false, classBody: false });
    assert.deepEqual(blockOpening('Runnable r = () ->', false), { continues: true, classBody: false });
    assert.deepEqual(blockOpening('int y = switch (x) ', false), { continues: true, classBody: false });
    assert.deepEqual(blockOpening('Runnable r = new Runnable() ', false), { continues: true, classBody: true });
    assert.deepEqual(blockOpening('foo(new Bar(1, g(2)) ', true), { continues: true, classBody: true });
    assert.deepEqual(blockOpening('assertThrows(X.class, () -> ', true), { continues: true, classBody: false });
    assert.deepEqual(blockOpening('class Local extends Base ', false), { continues: false, classBody: true });
    assert.deepEqual(blockOpening('enum E ', false), { continues: false, classBody: true });
  });
});

describe('the bracket guard refuses the ; of a "not a statement"', () => {
  it('refuses it at the `;`, anywhere in the body (nested blocks, lambda bodies, after a control header)', () => {
    for (const body of [
      'builder.with;',
      'Foo f = new Foo();\n f.x;',
      'if (a) { b; }',
      'for (int i = 0; i < 3; i++) a + b;',
      'run(() -> { x; });',
      'assertEquals(1, 1); "s";',
      'x; // a comment',
      'a /* c */ . b;',
      'try { f(); } catch (Exception e) { e; }',
      'do { f(); } while (x); y;',
    ])
      assert.equal(guardAccepts(body), false, body);
  });

  it('accepts what javac accepts: declarations, calls, creations, assignments, control flow, class bodies', () => {
    const body = [
      'Foo f = new Foo();\n',
      'int[] a = {1, 2};\n',
      'List<String> xs;\n',
      'f.bar().baz(a[0]);\n',
      'x++;\n',
      'Runnable r = () -> { f.run(); };\n',
      'Object o = new Object() { int n; public String toString() { return "o"; } };\n',
      'int y = switch (a[0]) { case 1 -> 2; default -> { yield 3; } };\n',
      'switch (y) { case 1: f.a(); break; default: ; }\n',
      'class Local { int n; void m() { n++; } }\n',
      'enum E { A, B; }\n',
      'for (String s : xs) { f.add(s); }\n',
      'outer: while (true) { break outer; }\n',
      'do f.a(); while (y > 0);\n',
      'if (y > 0) f.a(); else { f.b(); }\n',
      'try { f.a(); } catch (RuntimeException e) { throw e; } finally { f.c(); }\n',
      'assertThrows(IllegalStateException.class, () -> f.fail());\n',
      'String s = """\n  x;\n  """;\n',
      'char c = \';\';\n',
      ';\n',
      '}',
    ].join('');
    for (const size of [1, 3, body.length]) {
      const g = new BracketGuard(1);
      for (let i = 0; i < body.length; i += size) assert.ok(g.feed(body.slice(i, i + size)), `split ${size}: refused at ${i}: ${JSON.stringify(body.slice(i, i + 40))}`);
      assert.equal(g.open, '');
    }
  });

  it('lenient (the wrap-up zone) lets it through', () => {
    assert.equal(guardAccepts('builder.with;', true), true);
  });
});
