// Where a repair round re-decodes a test that does not compile: the body's top-level statement holding
// javac's first error that names a symbol, and the names to forbid (pure text, tree-sitter).
import { strict as assert } from 'node:assert';
import { redecodePoint } from '../../../src/verify/redecode-point';
import { parseJavacErrors } from '../../../src/verify/javac-output';

const CLASS = [
  'package p;', //                                   1
  'import org.junit.Test;', //                       2
  'public class FooTest {', //                       3
  '    @Test', //                                    4
  '    public void testSize() throws Exception {', // 5
  '        Foo foo = new Foo();', //                 6
  '        if (foo.ok()) {', //                      7
  '            int n = record.size();', //           8
  '        }', //                                    9
  '        assertEquals(1, foo.getTotal(2));', //   10
  '    }', //                                        11
  '}', //                                            12
].join('\n');

const JAVAC = [
  'src/test/java/p/FooTest.java:8: error: cannot find symbol',
  '            int n = record.size();',
  '                    ^',
  '  symbol:   variable record',
  '  location: class FooTest',
  'src/test/java/p/FooTest.java:10: error: cannot find symbol',
  '        assertEquals(1, foo.getTotal(2));',
  '                           ^',
  '  symbol:   method getTotal(int)',
  '  location: variable foo of type Foo',
  '2 errors',
].join('\n');

describe('re-decode point', () => {
  it('re-decodes from the top-level statement holding the first error with a symbol, keeping the body before it', async () => {
    const r = await redecodePoint(CLASS, 'testSize', parseJavacErrors(JAVAC));
    assert.deepEqual(r.value, { bodyPrefix: '\n        Foo foo = new Foo();\n', names: ['record'], line: 7 });
  });

  it('skips names already forbidden (the next error is the point), and says why when nothing is left', async () => {
    const r = await redecodePoint(CLASS, 'testSize', parseJavacErrors(JAVAC), new Set(['record']));
    assert.equal(r.value?.names.join(), 'getTotal');
    assert.equal(r.value?.line, 10);
    assert.ok(r.value?.bodyPrefix.endsWith('        }\n'));
    const none = await redecodePoint(CLASS, 'testSize', parseJavacErrors(JAVAC), new Set(['record', 'getTotal']));
    assert.equal(none.value, undefined);
    assert.match(none.note, /no compile error/);
    const missing = await redecodePoint(CLASS, 'testOther', parseJavacErrors(JAVAC));
    assert.match(missing.note, /no method testOther/);
  });

  it('ignores errors outside the body and symbols that are not identifiers, and takes the simple name of a qualified one', async () => {
    const errors = [
      { file: 'F.java', line: 2, message: 'package org.junit does not exist', symbol: 'org.junit' },
      { file: 'F.java', line: 6, message: 'cannot find symbol', symbol: 'p.Foo' },
    ];
    const r = await redecodePoint(CLASS, 'testSize', errors);
    assert.deepEqual(r.value, { bodyPrefix: '\n', names: ['Foo'], line: 6 });
  });
});
