// The bracket guard behind the decoder's syntax guard (pure logic).
import { strict as assert } from 'node:assert';
import { BracketGuard, MAX_NESTING } from '../../../src/java/bracket-guard';

/** Feeds `pieces` in order; returns the index of the first refused piece, or -1. */
function firstRefused(pieces: string[], open = 1): number {
  const g = new BracketGuard(open);
  for (const [i, p] of pieces.entries()) if (!g.feed(p)) return i;
  return -1;
}

describe('bracket guard', () => {
  it('accepts well-formed test bodies fed in any split', () => {
    const body = [
      '\n    Calculator c = new Calculator();\n',
      '    for (int i = 0; i < 3; i++) { c.add(new int[]{i, 2}[0]); }\n',
      '    try (InputStream in = open(); Reader r = reader(in)) { read(r); }\n',
      '    assertThrows(IllegalStateException.class, () -> { c.fail(); });\n',
      '    assertEquals("a ) ; ] }", c.text()); // a comment with ) ; }\n',
      "    assertEquals(')', c.close()); /* ( [ { */\n",
      '    String s = """\n        text ) ;\n        """;\n',
      '  }',
    ].join('');
    for (const size of [1, 2, 3, 7, body.length]) {
      const pieces: string[] = [];
      for (let i = 0; i < body.length; i += size) pieces.push(body.slice(i, i + size));
      assert.equal(firstRefused(pieces), -1, `split into pieces of ${size}`);
    }
  });

  it('refuses a closer that is not the innermost open bracket', () => {
    assert.equal(firstRefused(['assertTrue(a, "x"))', ';']), 0); // one ) too many: the ( is closed, { is innermost
    assert.equal(firstRefused(['foo(a', '}']), 1);
    assert.equal(firstRefused(['int[] a = new int[2', ')']), 1);
    assert.equal(firstRefused(['}', 'x']), -1, 'closing the method itself is fine (the decoder stops there)');
  });

  it('refuses a statement end inside ( or [ except in for and try headers', () => {
    assert.equal(firstRefused(['assertEquals(1, foo(2', ';']), 1);
    assert.equal(firstRefused(['a[i', ';']), 1);
    assert.equal(firstRefused(['for (int i = 0; i < n; i++) {}']), -1);
    assert.equal(firstRefused(['try(A a = b(); B c = d()) {}']), -1);
    assert.equal(firstRefused(['foo(() -> { bar(); });']), -1, 'a lambda block inside parentheses');
  });

  it('refuses a line break inside a string or char literal', () => {
    assert.equal(firstRefused(['assertEquals("abc', '\n']), 1);
    assert.equal(firstRefused(["char c = '", '\n']), 1);
    assert.equal(firstRefused(['String s = "a\\"b";\n']), -1, 'an escaped quote does not end the string');
  });

  it(`refuses nesting ( and [ more than ${MAX_NESTING} deep in one block`, () => {
    const deep = 'new A('.repeat(MAX_NESTING);
    assert.equal(firstRefused([deep]), -1);
    assert.equal(firstRefused([deep, 'new A(']), 1);
    const lambda = ['new A('.repeat(MAX_NESTING - 1), '() -> {', 'g('.repeat(MAX_NESTING)];
    assert.equal(firstRefused(lambda), -1, 'a block starts a fresh count');
    assert.equal(firstRefused([...lambda, ')'.repeat(MAX_NESTING) + ';}', 'h(']), -1, 'and its end restores the outer one');
    assert.equal(firstRefused([...lambda, ')'.repeat(MAX_NESTING) + ';}', '(', '(']), 5);
    assert.equal(firstRefused(['f(g(h(1)));\n', deep]), -1, 'closed brackets no longer count');
  });

  it('refuses an operator without an operand, a member dot without a name, a comma between statements without a name', () => {
    assert.equal(firstRefused(['assertEquals(a + ', ')']), 1);
    assert.equal(firstRefused(['x = ', ';']), 1);
    assert.equal(firstRefused(['f(i++', ');', 'g(j--);']), -1, 'postfix ++ and -- need no operand');
    assert.equal(firstRefused(['Runnable r = () -> run();\nList<?> l = new ArrayList<>();\nboolean b = !x && y != 2;']), -1);
    assert.equal(firstRefused(['set(count.', '0);']), 1);
    assert.equal(firstRefused(['double d = 1.0 + x.y() + foo().bar[0].length + this.<T>get();']), -1);
    assert.equal(firstRefused(['String s = "a", ', '"b";']), 1);
    assert.equal(firstRefused(['int a = 1, b = 2;\nint[] c = {1, 2, 3};\nint[][] d = new int[][]{{1, 2}, {3}};\nf(a, "b");']), -1);
    assert.equal(firstRefused(['int[] c = {1, 2', ';']), 1, 'no statement end inside an array initializer');
    assert.equal(firstRefused(['f(1, 2,', ')']), 1, 'no trailing comma in arguments');
    assert.equal(firstRefused(['int[] c = {1, 2,};']), -1, 'a trailing comma in an array initializer');
    assert.equal(firstRefused(['String s = "a"', ' }']), 1, 'a block does not close after an unfinished statement');
    assert.equal(firstRefused(['if (x) { f(); }\nswitch (y) { case 1: }\nRunnable r = () -> { };\n}']), -1);
  });

  it('wrapsUp: only closing pieces that close something or end an unfinished statement', () => {
    const g = new BracketGuard();
    g.feed('assertEquals(a, foo(b');
    assert.equal(g.distance, 3);
    assert.equal(g.wrapsUp(')'), true);
    assert.equal(g.wrapsUp('));'), true);
    assert.equal(g.wrapsUp(' '), false, 'blank only');
    assert.equal(g.wrapsUp('x)'), false, 'a letter');
    assert.equal(g.wrapsUp('()'), false, 'an opener');
    assert.equal(g.wrapsUp('}'), false, 'not the innermost bracket');
    g.feed('));');
    assert.equal(g.wrapsUp(';'), false, 'the statement already ended');
    assert.equal(g.wrapsUp('\n}'), true);
    const str = new BracketGuard();
    str.feed('String s = "abc');
    assert.equal(str.wrapsUp('"'), true, 'ends the literal');
    assert.equal(str.wrapsUp(';'), false, 'inside the literal a `;` closes nothing');
  });

  it('accepts does not change the state; feed keeps it when refused', () => {
    const g = new BracketGuard();
    assert.equal(g.accepts('foo('), true);
    assert.equal(g.open, '{');
    assert.equal(g.feed('foo('), true);
    assert.equal(g.open, '{(');
    assert.equal(g.feed('};'), false);
    assert.equal(g.open, '{(');
    assert.equal(g.feed(');'), true);
    assert.equal(g.open, '{');
  });

  it('counts the braces open before generation', () => {
    assert.equal(firstRefused(['}', '}'], 2), -1);
  });
});
