import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { javaParser } from '../../../src/java/parser';
import { balanceBraces, predictionForm, repairPrediction, strictValid, syntaxValidity } from '../../../src/eval/syntax';

const PAPER = path.resolve(__dirname, '../../../../shared/benchmarks/paper-predictions/lora_bigcode_starcoder2-3b.jsonl');

describe('syntactic validity', () => {
  it('tells a body continuation from a whole method', () => {
    assert.equal(predictionForm('        assertEquals(1, f());\n    }'), 'body');
    assert.equal(predictionForm('@Test\npublic void t() {\n}'), 'method');
    assert.equal(predictionForm('public void testX() throws Exception {\n x();\n}'), 'method');
  });

  it('strict: a complete body or method parses, a truncated one does not', async () => {
    const p = await javaParser();
    assert.equal(strictValid(p, '        assertEquals(1, f());\n    }'), true);
    assert.equal(strictValid(p, '        assertEquals(1, f());\n    }\n}'), true);
    assert.equal(strictValid(p, '@Test\npublic void t() {\n  assertTrue(x);\n}'), true);
    assert.equal(strictValid(p, '        assertEquals(1, f(;\n    }'), false);
    assert.equal(strictValid(p, '        assertEquals(1, f());\n        assertThat(x.get'), false);
  });

  it('balance_braces closes one or two open braces the way the study does', () => {
    assert.equal(balanceBraces('a {\n b {\n c;'), 'a {\n b {\n c;\n    }\n\n}');
    assert.equal(balanceBraces('a {\n b;'), 'a {\n b;\n\n}');
    assert.equal(balanceBraces('a { b { c { d {\n e;'), undefined);
  });

  it('lenient: a truncated prediction is cut before the broken line and closed', async () => {
    const p = await javaParser();
    const v = syntaxValidity(p, '        int a = 1;\n        assertEquals(1, a);\n        assertThat(x.get');
    assert.deepEqual(v, { strict: false, lenient: true, repaired: '        int a = 1;\n        assertEquals(1, a);\n    }\n\n}' });
    assert.equal(repairPrediction(p, 'garbage ((( only'), undefined);
    assert.equal(repairPrediction(p, '}'), undefined); // only the closing braces: the study drops it
  });

  it('repairs the study predictions into its fixed_prediction (first 150 rows of one file)', async function () {
    this.timeout(30_000);
    if (!fs.existsSync(PAPER)) throw new Error(`${PAPER} is missing: the study's predictions live in ../shared/benchmarks beside the checkout`);
    const p = await javaParser();
    const rows = fs.readFileSync(PAPER, 'utf8').split('\n').filter(Boolean).slice(0, 150).map((l) => JSON.parse(l));
    const same = rows.filter((r) => repairPrediction(p, r.prediction) === r.fixed_prediction).length;
    assert.ok(same >= 148, `${same}/150 identical`);
  });
});
