// `testtune eval --project`: body-form predictions (the study's format) become test methods with
// the prompt's signature, and are compiled, run and measured in a copy of the fixture project.
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { command } from '../../src/cli/commands/eval';
import { loadToolchain } from '../../src/verify/toolchain';

const PROJECT = path.resolve(__dirname, '../fixtures/eval/calc-maven');
const DATA = path.resolve(__dirname, '../fixtures/eval/calc-maven-predictions.jsonl');

describe('testtune eval --project (fixture Maven project)', function () {
  this.timeout(600_000);
  it('reports compile rate, pass rate and coverage next to the text scores', async function () {
    const tc = await loadToolchain();
    if (tc.errors.length) throw new Error(`the Java toolchain is incomplete: ${tc.errors.join('; ')} (.ci/run installs it)`);
    const write = process.stdout.write.bind(process.stdout);
    let out = '';
    process.stdout.write = ((s: string) => ((out += s), true)) as typeof process.stdout.write;
    let code: number;
    try {
      code = await command.run(['--data', DATA, '--project', PROJECT, '--timeout', '180', '--json']);
    } finally {
      process.stdout.write = write;
    }
    assert.equal(code, 0);
    const j = JSON.parse(out);
    assert.equal(j.n, 2);
    assert.equal(j.syntax_strict, 1);
    const ex = j.execution;
    assert.equal(ex.n, 2);
    assert.equal(ex.compile_rate, 0.5);
    assert.equal(ex.pass_rate, 0.5);
    const pass = ex.results.find((r: { id: string }) => r.id === 'body-passing');
    assert.equal(pass.status, 'passed');
    assert.equal(pass.method, 'testMaxOfTwo');
    assert.ok(pass.branch_coverage > 0 && pass.instruction_coverage > 0);
    assert.equal(ex.results.find((r: { id: string }) => r.id === 'body-not-compiling').status, 'compile_error');
  });
});
