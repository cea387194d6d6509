// Golden before/after texts for the repair rules (src/verify/repair.ts).
import { strict as assert } from 'node:assert';
import { expectException, regressionAssertion, removeUncompilable, repairFromResult } from '../../../src/verify/repair';
import type { TestFailure } from '../../../src/verify/launcher-output';

const J5 = (body: string, imports = '') => `package com.example.shop;

import static org.junit.jupiter.api.Assertions.assertEquals;
${imports}import org.junit.jupiter.api.Test;

class CartTest {
  @Test
  void t() {
${body}
  }
}
`;
// line numbers: the body starts on line 9 (J5 with no extra imports)
const assertion = (line: number, expected: string, actual: string, style: TestFailure['style'] = 'junit'): TestFailure => ({ kind: 'assertion', message: '', expected, actual, style, line });

describe('repair: regression assertions from observed values', () => {
  const cases: [string, string, string, string][] = [
    ['string', '    assertEquals("x", cart.label());', 'nobody (0)', '    assertEquals("nobody (0)", cart.label());'],
    ['string with quotes and newline', '    assertEquals("x", cart.label());', 'a "b"\nc', '    assertEquals("a \\"b\\"\\nc", cart.label());'],
    ['char', "    assertEquals('A', cart.grade());", 'B', "    assertEquals('B', cart.grade());"],
    ['long', '    assertEquals(300L, cart.total());', '250', '    assertEquals(250L, cart.total());'],
    ['int', '    assertEquals(3, cart.size());', '-1', '    assertEquals(-1, cart.size());'],
    ['double gets a delta', '    assertEquals(1.5, cart.average());', '0.0', '    assertEquals(0.0, cart.average(), 1e-9);'],
    ['double keeps its delta', '    assertEquals(1.5, cart.average(), 0.01);', '2.25', '    assertEquals(2.25, cart.average(), 0.01);'],
    ['boolean', '    assertEquals(true, cart.isEmpty());', 'false', '    assertEquals(false, cart.isEmpty());'],
    ['null observed', '    assertEquals("x", cart.owner());', 'null', '    assertEquals(null, cart.owner());'],
    ['variable expected, number observed', '    assertEquals(expected, cart.total());', '3000000000', '    assertEquals(3000000000L, cart.total());'],
  ];
  for (const [name, before, actual, after] of cases) {
    it(name, async () => {
      const r = await regressionAssertion(J5(before), 't', assertion(9, 'x', actual), 'junit5');
      assert.equal(r.classText, J5(after), r.notes.join('; '));
      assert.equal(r.applied.length, 1);
    });
  }

  it('assertTrue becomes assertFalse, with its import', async () => {
    const r = await regressionAssertion(J5('    assertTrue(cart.isEmpty());', 'import static org.junit.jupiter.api.Assertions.assertTrue;\n'), 't', { kind: 'assertion', message: 'expected: <true> but was: <false>', line: 10 }, 'junit5');
    assert.equal(
      r.classText,
      J5('    assertFalse(cart.isEmpty());', 'import static org.junit.jupiter.api.Assertions.assertTrue;\nimport static org.junit.jupiter.api.Assertions.assertFalse;\n'),
    );
  });

  it('JUnit 4 message-first assertEquals and Hamcrest is(...)', async () => {
    const j4 = (body: string) => `import static org.junit.Assert.*;\nimport org.junit.Test;\npublic class CounterTest {\n  @Test public void t() {\n${body}\n  }\n}\n`;
    const r = await regressionAssertion(j4('    assertEquals("count", 3, c.increment());'), 't', assertion(5, '3', '1'), 'junit4');
    assert.equal(r.classText, j4('    assertEquals("count", 1, c.increment());'));
    const h = await regressionAssertion(j4('    assertThat(c.describe(), is("y"));'), 't', assertion(5, 'is "y"', '"0/2"', 'hamcrest'), 'junit4');
    assert.equal(h.classText, j4('    assertThat(c.describe(), is("0/2"));'));
    const aj = await regressionAssertion(j4('    assertThat(c.describe()).isEqualTo("y");'), 't', assertion(5, '"y"', '"0/2"', 'assertj'), 'junit4');
    assert.equal(aj.classText, j4('    assertThat(c.describe()).isEqualTo("0/2");'));
  });

  it('refuses what it cannot type safely, and says why', async () => {
    const r = await regressionAssertion(J5('    assertEquals(expected, cart.items());'), 't', assertion(9, '[a]', '[b, c]'), 'junit5');
    assert.equal(r.classText, undefined);
    assert.match(r.notes[0], /no literal form/);
    const off = await regressionAssertion(J5('    assertEquals(1, 2);'), 't', assertion(3, '1', '2'), 'junit5');
    assert.match(off.notes[0], /no assertion on line 3/);
  });
});

describe('repair: exceptions thrown through the focal method', () => {
  const thrown = (line: number, cls = 'java.lang.IllegalArgumentException'): TestFailure => ({ kind: 'exception', message: 'negative', exceptionClass: cls, throughFocal: true, line });

  it('JUnit 5: assertThrows, later statements removed, import added', async () => {
    const before = J5('    Cart cart = new Cart();\n    cart.add(-5);\n    assertEquals(0L, cart.total());');
    const r = await expectException(before, 't', thrown(10), 'junit5');
    assert.equal(
      r.classText,
      J5('    Cart cart = new Cart();\n    assertThrows(IllegalArgumentException.class, () -> cart.add(-5));', 'import static org.junit.jupiter.api.Assertions.assertThrows;\n'),
    );
    assert.equal(r.applied.length, 2);
  });

  it('JUnit 4: try/fail/catch with a fully qualified name for an unimported class', async () => {
    const j4 = (body: string, extra = '') => `package org.acme;\n\nimport static org.junit.Assert.assertEquals;\n${extra}import org.junit.Test;\n\npublic class CounterTest {\n  @Test\n  public void t() {\n${body}\n  }\n}\n`;
    const before = j4('    Counter c = new Counter(0);\n    int v = c.increment();\n    assertEquals(1, v);');
    const r = await expectException(before, 't', thrown(10, 'java.io.UncheckedIOException'), 'junit4');
    assert.equal(
      r.classText,
      j4(
        '    Counter c = new Counter(0);\n    try {\n      c.increment();\n      fail("Expected UncheckedIOException");\n    } catch (java.io.UncheckedIOException expected) {\n      // expected\n    }',
        'import static org.junit.Assert.fail;\n',
      ),
    );
  });

  it('leaves exceptions that did not pass through the focal method', async () => {
    const r = await expectException(J5('    cart.add(-5);'), 't', { ...thrown(9), throughFocal: false }, 'junit5');
    assert.equal(r.classText, undefined);
  });
});

describe('repair: statements that do not compile', () => {
  it('removes an independent statement and reports the symbol', async () => {
    const before = J5('    Cart cart = new Cart();\n    cart.addAll(1, 2);\n    assertEquals(0L, cart.total());');
    const r = await removeUncompilable(before, 't', [{ file: 'CartTest.java', line: 10, message: 'cannot find symbol', symbol: 'addAll' }]);
    assert.equal(r.classText, J5('    Cart cart = new Cart();\n    assertEquals(0L, cart.total());'));
    assert.deepEqual(r.forbidden, ['addAll']);
  });

  it('keeps a declaration that a later statement uses', async () => {
    const before = J5('    Basket basket = new Basket();\n    assertEquals(0L, basket.total());');
    const r = await removeUncompilable(before, 't', [{ file: 'CartTest.java', line: 9, message: 'cannot find symbol', symbol: 'Basket' }]);
    assert.equal(r.classText, undefined);
    assert.match(r.notes[0], /declares basket, which line 10 uses/);
    assert.deepEqual(r.forbidden, ['Basket']);
  });

  it('dispatches on the verification result and never throws on nonsense', async () => {
    const r = await repairFromResult('class {{{', 't', { status: 'fails', compileErrors: [], failure: { kind: 'assertion', message: '', line: 1 } }, 'junit5');
    assert.equal(r.classText, undefined);
    assert.equal(r.notes.length, 1);
  });
});
