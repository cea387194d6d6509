// Choosing among verified attempts: (passes and executes the focal method) > (passes) > (compiles) >
// (does not compile) > rejected, then focal line coverage, then the earlier candidate.
import { strict as assert } from 'node:assert';
import { attemptRank, betterAttempt, declareThrows, describeAttempt, markFailing, type Attempt } from '../../../src/pipeline/verify-stage';

const attempt = (over: Partial<Attempt>): Attempt => ({
  candidate: 0, round: 0, test: 'void t() {}', status: 'passes', callsFocal: true, focalLines: { covered: 1, total: 2 }, focalBranches: { covered: 0, total: 0 }, repairs: [], log: 'x', seconds: 1, ...over,
});

describe('pipeline: choosing the best verified attempt', () => {
  it('ranks passing-and-calling-focal over passing over compiling over not compiling over rejected', () => {
    const order = [
      attempt({}),
      attempt({ callsFocal: false }),
      attempt({ status: 'fails' }),
      attempt({ status: 'does-not-compile' }),
      attempt({ status: 'rejected', log: '' }),
    ];
    assert.deepEqual(order.map(attemptRank), [3, 2, 1, 0, -1]);
    for (let i = 0; i + 1 < order.length; i++) {
      assert.equal(betterAttempt(order[i], order[i + 1]), true);
      assert.equal(betterAttempt(order[i + 1], order[i]), false);
    }
  });

  it('breaks ties by focal line coverage, then by the earlier candidate and round', () => {
    assert.equal(betterAttempt(attempt({ focalLines: { covered: 2, total: 2 }, candidate: 3 }), attempt({})), true);
    assert.equal(betterAttempt(attempt({ candidate: 1 }), attempt({ candidate: 2 })), true);
    assert.equal(betterAttempt(attempt({ candidate: 1, round: 1 }), attempt({ candidate: 1, round: 0 })), false);
    assert.equal(betterAttempt(attempt({}), undefined), true);
  });

  it('describes an attempt in one line', () => {
    assert.equal(describeAttempt(attempt({ focalLines: { covered: 7, total: 9 } }), 'toMap'), 'passes · covers 7 of 9 lines of toMap');
    assert.equal(describeAttempt(attempt({ callsFocal: false, focalLines: { covered: 0, total: 9 } }), 'toMap'), 'passes · does not execute toMap · covers 0 of 9 lines of toMap');
    assert.equal(describeAttempt(attempt({ status: 'does-not-compile', message: 'line 3: cannot find symbol\nmore', focalLines: { covered: 0, total: 0 } }), 'toMap'), 'does not compile (line 3: cannot find symbol)');
  });

  it('declares throws Exception on a test method that declares nothing', () => {
    assert.equal(declareThrows('    @Test\n    public void testF() {\n        f();\n    }'), '    @Test\n    public void testF() throws Exception {\n        f();\n    }');
    assert.equal(declareThrows('    @Test\n    void testF() throws IOException {\n    }'), '    @Test\n    void testF() throws IOException {\n    }');
  });

  it('marks a failing test with the reason, above the method', () => {
    assert.equal(markFailing('    @Test\n    void t() {}', 'fails: expected <1>\n but was <2>'), '    // TestTune: this test fails as generated: fails: expected <1> but was <2>\n    @Test\n    void t() {}');
  });
});
