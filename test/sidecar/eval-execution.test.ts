// The execution harness on a fixture Maven project with known passing, failing, non-compiling and
// hanging tests: compile/run/coverage through javac, the JUnit console launcher and JaCoCo.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { evaluateExecution, type ExecSummary } from '../../src/eval/execution/harness';
import { loadToolchain } from '../../src/verify/toolchain';

const PROJECT = path.resolve(__dirname, '../fixtures/eval/calc-maven');
const HANG_MS = 20_000;
const TASKS = path.resolve(__dirname, '../fixtures/eval/calc-maven-tests.jsonl');

function snapshotTree(dir: string): string {
  return execFileSync('find', [dir, '-type', 'f', '-exec', 'md5sum', '{}', ';']).toString().split('\n').sort().join('\n');
}

describe('execution harness (fixture Maven project)', function () {
  this.timeout(600_000);
  let summary: ExecSummary;
  let treeBefore: string;

  before(async function () {
    const tc = await loadToolchain();
    if (tc.errors.length) {
      throw new Error(`the Java toolchain is incomplete: ${tc.errors.join('; ')} (.ci/run installs it)`);
    }
    treeBefore = snapshotTree(PROJECT);
    const rows = fs.readFileSync(TASKS, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
    // Generous time for real tests (this machine may be shared and slow); the hanging one gets 20 s.
    const tasks = rows.map((r) => ({ id: r.id, focalFile: r.focal_file, testMethod: r.test_method, timeoutMs: r.id === 'hanging' ? HANG_MS : 180_000 }));
    summary = await evaluateExecution(PROJECT, tasks);
  });

  const byId = (id: string) => summary.results.find((r) => r.id === id)!;

  it('passes the passing tests and measures their coverage of the focal class', () => {
    const p = byId('passing');
    assert.equal(p.status, 'passed', JSON.stringify(p));
    assert.deepEqual(p.coverage, { instructions: { covered: 14, missed: 26 }, branches: { covered: 2, missed: 4 } });
    const r = byId('passing-renamed');
    assert.equal(r.status, 'passed');
    assert.equal(r.method, 'testAdd2'); // name clash with the existing testAdd → renamed by placement
  });

  it('reports a failing test with its assertion message', () => {
    const f = byId('failing');
    assert.equal(f.status, 'failed');
    assert.equal(f.compiled, true);
    assert.match(f.message ?? '', /expected: <1> but was: <2>/);
    assert.ok((f.instruction_coverage ?? 0) > 0);
  });

  it('reports a non-compiling test with javac errors', () => {
    const c = byId('not-compiling');
    assert.equal(c.status, 'compile_error');
    assert.equal(c.compiled, false);
    assert.match(c.errors.join('\n'), /cannot find symbol/);
  });

  it('kills a hanging test at the timeout', () => {
    const h = byId('hanging');
    assert.equal(h.status, 'timeout');
    assert.ok(h.ms >= HANG_MS);
  });

  it('reports text that is not one method, and an unknown focal file, as not placed', () => {
    assert.equal(byId('not-a-method').status, 'not_placed');
    assert.match(byId('not-a-method').errors.join(' '), /not exactly one complete, parseable method/);
    assert.equal(byId('unknown-focal').status, 'not_placed');
    assert.match(byId('unknown-focal').errors.join(' '), /focal file not found/);
  });

  it('summarises compile rate, pass rate and coverage, and leaves the project untouched', () => {
    assert.equal(summary.n, 7);
    assert.equal(summary.compile_rate, 4 / 7);
    assert.equal(summary.pass_rate, 2 / 7);
    assert.equal(summary.timed_out, 1);
    const mean = summary.results.reduce((s, r) => s + (r.instruction_coverage ?? 0), 0) / 7;
    assert.ok(Math.abs(summary.instruction_coverage - mean) < 1e-12);
    assert.equal(snapshotTree(PROJECT), treeBefore);
    // all tests of Calculator together cover at least as much as the best single test
    assert.equal(summary.by_class.length, 1);
    const best = Math.max(...summary.results.map((r) => r.instruction_coverage ?? 0));
    assert.ok((summary.combined_instruction_coverage ?? 0) >= best && best > 0);
    assert.equal(summary.by_class[0].focal_class, 'com/example/calc/Calculator');
  });
});
