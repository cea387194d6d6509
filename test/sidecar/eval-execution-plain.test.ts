// The execution harness on a plain-layout project (src/ + test/, no build file) with an existing
// JUnit 4 test class: a generated JUnit 4 test that uses Mockito is placed, compiled, run through
// the vintage engine under JaCoCo, and its coverage of the focal class is measured.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { evaluateExecution } from '../../src/eval/execution/harness';
import { loadToolchain } from '../../src/verify/toolchain';

const PROJECT = path.resolve(__dirname, '../fixtures/eval/greeter-plain');
const TASKS = path.resolve(__dirname, '../fixtures/eval/greeter-plain-tests.jsonl');

describe('execution harness (plain layout, JUnit 4 + Mockito)', function () {
  this.timeout(600_000);
  it('runs a Mockito-based JUnit 4 test and measures Greeter coverage', async function () {
    const tc = await loadToolchain();
    if (tc.errors.length || !tc.mockito.length) throw new Error(`the Java toolchain or Mockito is missing (${tc.errors.join('; ') || 'no Mockito jars'}): .ci/run installs them`);
    const rows = fs.readFileSync(TASKS, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
    const s = await evaluateExecution(PROJECT, rows.map((r) => ({ id: r.id, focalFile: r.focal_file, testMethod: r.test_method })), { timeoutMs: 180_000 });
    const r = s.results[0];
    assert.equal(r.status, 'passed', JSON.stringify(r));
    assert.equal(r.testClass, 'com.acme.GreeterTest');
    assert.equal(r.focalClass, 'com/acme/Greeter');
    // greet(7) with a name: everything but the "stranger" return; 2 of the 4 branches
    assert.deepEqual(r.coverage, { instructions: { covered: 19, missed: 2 }, branches: { covered: 2, missed: 2 } });
    assert.deepEqual([s.compile_rate, s.pass_rate], [1, 1]);
  });
});
