// The one Java lexer (src/java/lexer.ts) that the brace counter and the bracket guard read code through.
import { strict as assert } from 'node:assert';
import { copyLexState, lexChar, newLexState, type LexEvent } from '../../../src/java/lexer';

/** The events of `text` fed character by character from a fresh state. */
function events(text: string): LexEvent[] {
  const s = newLexState();
  return [...text].map((c) => lexChar(s, c));
}

/** The characters of `text` the lexer calls code. */
function code(text: string): string {
  const s = newLexState();
  return [...text].filter((c) => lexChar(s, c) === 'code').join('');
}

describe('Java lexer', () => {
  it('keeps literals and comments out of the code characters', () => {
    // the first `/` of a comment is code until the second character says otherwise (the bracket guard
    // reads it as an operator first); the line break that ends a line comment belongs to the comment
    assert.equal(code('a("{", \'}\'); // {\nb /* } */ c'), 'a(, ); /b / c');
    assert.equal(code('x = """\n  { "" }\n  """; y'), 'x = ; y');
    assert.equal(code('s = "a\\"}" + "\\\\"; {'), 's =  + ; {');
    assert.equal(code("c = '\\''; {"), 'c = ; {');
  });

  it('reads `""` as an empty string and `"""` as a text block', () => {
    assert.deepEqual(events('""{'), ['quote', 'quote', 'code']);
    assert.deepEqual(events('"""x"""{'), ['quote', 'quote', 'quote', 'literal', 'literal', 'literal', 'literal_close', 'code']);
    assert.deepEqual(events('"x"{'), ['quote', 'literal', 'literal_close', 'code']);
  });

  it('reports the second character of `//` and `/*` as the comment start, and the end of each comment', () => {
    assert.deepEqual(events('a/b'), ['code', 'code', 'code']);
    assert.deepEqual(events('//x\n'), ['code', 'comment_open', 'comment', 'comment_close']);
    assert.deepEqual(events('/*/*/'), ['code', 'comment_open', 'comment', 'comment', 'comment_close']);
    assert.deepEqual(events('"/"/'), ['quote', 'literal', 'literal_close', 'code'], 'a `/` in a literal does not start a comment');
  });

  it('reports a line break in a string or char literal: an unescaped \\n ends it, \\r and an escaped \\n do not', () => {
    const s = newLexState();
    for (const c of '"ab') lexChar(s, c);
    assert.equal(lexChar(s, '\r'), 'line_break');
    assert.equal(s.mode, 'string');
    lexChar(s, '\\');
    assert.equal(lexChar(s, '\n'), 'line_break');
    assert.equal(s.mode, 'string');
    assert.equal(lexChar(s, '\n'), 'line_break');
    assert.equal(s.mode, 'code');
    assert.deepEqual(events("'\n{"), ['char_open', 'line_break', 'code']);
    assert.equal(code('x = """\n{\n"""'), 'x = ', 'text blocks hold line breaks');
  });

  it('copies are independent states', () => {
    const a = newLexState();
    lexChar(a, '"');
    const b = copyLexState(a);
    lexChar(b, 'x');
    assert.equal(a.mode, 'code');
    assert.equal(b.mode, 'string');
  });
});
