import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ratio } from '../../../src/eval/execution/coverage';
import { copyProject, javaFiles, libJars } from '../../../src/project/layout';
import { loadProjectModel } from '../../../src/project/model';
import { runProcess } from '../../../src/util/process';

const FIXTURE = path.resolve(__dirname, '../../fixtures/eval/calc-maven');

describe('execution harness parts', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'testtune-exec-parts-'));
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('recognises a Maven layout', () => {
    const l = loadProjectModel(FIXTURE);
    assert.equal(l.build, 'maven');
    assert.deepEqual(l.mainRoots, [path.join(FIXTURE, 'src/main/java')]);
    assert.deepEqual(l.testRoots, [path.join(FIXTURE, 'src/test/java')]);
    assert.deepEqual(javaFiles(l.mainRoots[0]).map((f) => path.basename(f)), ['Calculator.java']);
  });

  it('recognises a plain src/ + test/ layout with lib/ jars, and copies without build output or .git', () => {
    const root = path.join(tmp, 'plain');
    for (const d of ['src/a', 'test/a', 'lib', '.git', 'out/a']) fs.mkdirSync(path.join(root, d), { recursive: true });
    fs.writeFileSync(path.join(root, 'src/a/A.java'), 'package a; class A {}');
    fs.writeFileSync(path.join(root, 'lib/dep.jar'), '');
    fs.writeFileSync(path.join(root, '.git/HEAD'), 'ref');
    fs.writeFileSync(path.join(root, 'out/a/A.class'), '');
    const l = loadProjectModel(root);
    assert.deepEqual([l.build, l.mainRoots, l.testRoots, l.warnings], ['plain', [path.join(root, 'src')], [path.join(root, 'test')], []]);
    assert.deepEqual(libJars(root), [path.join(root, 'lib/dep.jar')]);
    const copy = path.join(tmp, 'copy');
    copyProject(root, copy);
    assert.ok(fs.existsSync(path.join(copy, 'src/a/A.java')));
    assert.ok(fs.existsSync(path.join(copy, 'lib/dep.jar')));
    assert.ok(!fs.existsSync(path.join(copy, '.git')));
    assert.ok(!fs.existsSync(path.join(copy, 'out')));
    assert.match(loadProjectModel(path.join(tmp, 'empty-nothing')).warnings[0], /does not exist/);
  });

  it('a coverage ratio is undefined without anything to cover', () => {
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
