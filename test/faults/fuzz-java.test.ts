// Fuzzed Java inputs through the analyses the editor runs (code lenses, prompt building): none may
// throw, and none may take unbounded time (the soak, `npm run bench -- --only faults`, measures the
// ≤ 2 s target on 1,000 inputs up to 5 MB; here smaller inputs, and a generous hang bound).
import assert from 'node:assert/strict';
import { rng } from '../../src/util/rng';
import { GENERATOR_NAMES, analyse, fuzzJava } from './helpers/fuzz-java';

const HANG_MS = 15_000;

describe('fault: fuzzed Java inputs never crash or hang the analysis', function () {
  this.timeout(120_000);
  const n = GENERATOR_NAMES.length * 4;
  for (let i = 0; i < n; i++) {
    it(`input ${i}`, async () => {
      const random = rng(1000 + i);
      const { kind, text } = fuzzJava(random, i, 0.05);
      const r = await analyse(kind, text, Math.floor(random() * 50));
      assert.equal(r.crashed, undefined, `${kind} (${text.length} chars) threw: ${r.crashed}`);
      assert.ok(r.listMs + r.contextMs < HANG_MS, `${kind} (${text.length} chars) took ${(r.listMs + r.contextMs).toFixed(0)} ms`);
    });
  }

  it('the pathological cases the issue names answer: 10,000 nested classes, a long expression, random bytes', async () => {
    const nested = Array.from({ length: 10_000 }, (_, i) => `class C${i}{`).join('') + 'int f(){return 1;}' + '}'.repeat(10_000);
    const r1 = await analyse('nestedClasses', nested, 0);
    assert.equal(r1.crashed, undefined);
    assert.equal(r1.refused, false, 'a deeply nested but valid file should be answered');
    const expr = `class E { int f() { return ${'a+'.repeat(1_000_000)}a; } }`;
    const r2 = await analyse('longExpression', expr, 0);
    assert.equal(r2.crashed, undefined);
    const random = rng(7);
    const bytes = Array.from({ length: 1_000_000 }, () => String.fromCharCode(Math.floor(random() * 256))).join('');
    const r3 = await analyse('binary', bytes, 0);
    assert.equal(r3.crashed, undefined);
    assert.equal(r3.refused, true, 'random bytes should be refused as not Java');
  });
});
