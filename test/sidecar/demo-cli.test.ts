// `testtune demo` (the README's main job): the shipped model writes a test for Calculator.factorial
// through the product's whole path — with the Java toolchain that .ci/run installs, candidates are
// verified and only a passing test that executes factorial is printed; the example project is untouched.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { command } from '../../src/cli/commands/demo';
import { runCli } from '../helpers/capture-cli';

describe('testtune demo (shipped model, verified)', function () {
  this.timeout(300_000);

  it('prints a passing test of factorial that asserts what factorial returned, and writes nothing', async () => {
    const { code, out, err } = await runCli(command, []);
    assert.equal(code, 0, err);
    assert.match(out, /@Test\s+void testFactorial\(\)/);
    assert.match(out, /factorial\(/);
    assert.match(out, /assert\w*\(/);
    assert.match(err, /^passes · covers \d+ of \d+ lines of factorial$/m, err);
    const root = path.resolve(__dirname, '..', '..');
    assert.equal(execFileSync('git', ['status', '--porcelain', '--', 'examples'], { cwd: root, encoding: 'utf8' }), '', 'the example project is untouched');
  });
});
