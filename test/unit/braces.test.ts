import { strict as assert } from 'node:assert';
import { BraceCounter, cutAtBalance } from '../../src/java/braces';

describe('BraceCounter', () => {
  it('balances a body continued after the signature brace', () => {
    assert.equal(cutAtBalance('\n  assertEquals(1, f());\n}\n\n}', 1), '\n  assertEquals(1, f());\n}');
  });
  it('ignores braces in strings, chars, comments and text blocks', () => {
    const body = ' String s = "}{\\"}"; char c = \'}\'; // }\n /* } */ String t = """\n }\n """; }  trailing';
    assert.equal(cutAtBalance(body, 1), body.slice(0, body.indexOf('}  trailing') + 1));
  });
  it('handles empty strings and a following brace', () => {
    assert.equal(cutAtBalance('x = ""; }rest', 1), 'x = ""; }');
  });
  it('works token by token', () => {
    const c = new BraceCounter(0);
    for (const piece of ['@Test void a() ', '{ if (x) ', '{ y(); }', ' }', ' more }']) c.feed(piece);
    assert.equal(c.balanced, true);
    assert.equal(c.depth, 0);
  });
  it('is not balanced while braces are open', () => {
    assert.equal(cutAtBalance('{ {', 0), undefined);
    assert.equal(cutAtBalance('no braces at all', 0), undefined);
  });
});
