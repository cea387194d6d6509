import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { copyProject, detectLayout, javaFiles, libJars } from '../../../src/eval/execution/project';
import { summaryCount } from '../../../src/eval/execution/junit';
import { javacErrors } from '../../../src/eval/execution/compile';
import { ratio } from '../../../src/eval/execution/coverage';
import { runProcess } from '../../../src/eval/execution/toolchain';

const FIXTURE = path.resolve(__dirname, '../../fixtures/eval/calc-maven');

describe('execution harness parts', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'testtune-exec-parts-'));
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('recognises a Maven layout', () => {
    const l = detectLayout(FIXTURE);
    assert.equal(l.build, 'maven');
    assert.deepEqual(l.mainRoots, [path.join(FIXTURE, 'src/main/java')]);
    assert.equal(l.testRoot, path.join(FIXTURE, 'src/test/java'));
    assert.deepEqual(javaFiles(l.mainRoots[0]).map((f) => path.basename(f)), ['Calculator.java']);
  });

  it('recognises a plain src/ + test/ layout with lib/ jars, and copies without build output or .git', () => {
    const root = path.join(tmp, 'plain');
    for (const d of ['src/a', 'test/a', 'lib', '.git', 'out/a']) fs.mkdirSync(path.join(root, d), { recursive: true });
    fs.writeFileSync(path.join(root, 'src/a/A.java'), 'package a; class A {}');
    fs.writeFileSync(path.join(root, 'lib/dep.jar'), '');
    fs.writeFileSync(path.join(root, '.git/HEAD'), 'ref');
    fs.writeFileSync(path.join(root, 'out/a/A.class'), '');
    const l = detectLayout(root);
    assert.deepEqual([l.build, l.mainRoots, l.testRoot, l.errors], ['plain', [path.join(root, 'src')], path.join(root, 'test'), []]);
    assert.deepEqual(libJars(root), [path.join(root, 'lib/dep.jar')]);
    const copy = path.join(tmp, 'copy');
    copyProject(root, copy);
    assert.ok(fs.existsSync(path.join(copy, 'src/a/A.java')));
    assert.ok(fs.existsSync(path.join(copy, 'lib/dep.jar')));
    assert.ok(!fs.existsSync(path.join(copy, '.git')));
    assert.ok(!fs.existsSync(path.join(copy, 'out')));
    assert.match(detectLayout(path.join(tmp, 'empty-nothing')).errors[0], /does not exist/);
  });

  it('reads the console launcher summary and javac errors', () => {
    const out = '[         1 tests successful      ]\n[         2 tests failed          ]\n[        10 tests found           ]';
    assert.deepEqual([summaryCount(out, 'successful'), summaryCount(out, 'failed'), summaryCount(out, 'found'), summaryCount(out, 'aborted')], [1, 2, 10, 0]);
    const log = 'A.java:3: error: cannot find symbol\n  symbol: x\nA.java:9: error: ; expected\n2 errors';
    assert.deepEqual(javacErrors(log), ['A.java:3: error: cannot find symbol', 'A.java:9: error: ; expected']);
    assert.equal(ratio({ covered: 1, missed: 3 }), 0.25);
    assert.equal(ratio({ covered: 0, missed: 0 }), undefined);
  });

  it('runProcess kills a process group at the timeout and reports a missing command', async () => {
    const slow = await runProcess('sh', ['-c', 'sleep 30 & sleep 30'], { timeoutMs: 300 });
    assert.equal(slow.timedOut, true);
    assert.ok(slow.ms < 10_000);
    const missing = await runProcess('no-such-command-testtune', []);
    assert.equal(missing.code, null);
    assert.match(missing.stderr, /ENOENT/);
  });
});
