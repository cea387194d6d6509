// The project model against the machine's real local Maven repository (~/.m2) and a real javac:
// the fixture's classpath must be resolved exactly (no substituted versions, nothing unresolved),
// its main classes compiled into the content-addressed cache (and reused), its test compiled.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { checkTestCompilation } from '../../src/project/check-tests';
import { compileMainClasses } from '../../src/project/compile-main';
import { loadProjectModel } from '../../src/project/model';

const REAL = path.resolve(__dirname, '../fixtures/project/real-m2');

describe('project model on the real ~/.m2', function () {
  this.timeout(120_000);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'testtune-project-model-'));
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('resolves a transitive test classpath exactly and the tests compile against it', async () => {
    const model = loadProjectModel(REAL);
    assert.deepEqual(model.unresolved, [], `unresolved in ${os.homedir()}/.m2: ${JSON.stringify(model.unresolved)}`);
    assert.deepEqual(model.substitutions, []);
    const names = model.testClasspath.map((p) => path.basename(p));
    for (const jar of ['commons-text-1.10.0.jar', 'commons-lang3-3.12.0.jar', 'junit-jupiter-api-5.10.2.jar', 'junit-jupiter-params-5.10.2.jar', 'opentest4j-1.3.0.jar']) {
      assert.ok(names.includes(jar), `${jar} not in ${names.join(', ')}`);
    }
    assert.equal(model.framework, 'junit5');
    assert.equal(model.junitVersion, '5.10.2');

    const cacheDir = path.join(tmp, 'classes');
    const first = await compileMainClasses(model, { cacheDir, release: 11 });
    assert.deepEqual(first.errors, []);
    assert.ok(first.classesDir && fs.existsSync(path.join(first.classesDir, 'org/real/Template.class')));
    assert.ok(first.classesDir.startsWith(cacheDir), 'compiled outside the workspace');
    assert.equal(first.cached, false);
    const again = await compileMainClasses(model, { cacheDir, release: 11 });
    assert.equal(again.classesDir, first.classesDir);
    assert.equal(again.cached, true);
    // another release is another cache entry
    const other = await compileMainClasses(model, { cacheDir, release: 17 });
    assert.notEqual(other.classesDir, first.classesDir);

    const check = await checkTestCompilation(model, { cacheDir });
    assert.deepEqual(check.failing, []);
    assert.equal(check.compiled, 1);
    assert.equal(check.testFiles, 1);
  });

  it('names the first javac errors with file and line when the main sources do not compile', async () => {
    const broken = path.join(tmp, 'broken');
    fs.cpSync(REAL, broken, { recursive: true });
    fs.writeFileSync(path.join(broken, 'src/main/java/org/real/Broken.java'), 'package org.real;\n\npublic class Broken {\n    int x = missing();\n}\n');
    const model = loadProjectModel(broken);
    const r = await compileMainClasses(model, { cacheDir: path.join(tmp, 'classes') });
    assert.equal(r.classesDir, undefined);
    assert.match(r.errors[0], /Broken\.java:4: error: cannot find symbol/);
    assert.ok(!fs.existsSync(path.join(broken, 'target')), 'nothing written into the project');
    // compile what compiles: Broken.java is set aside and named, Template compiles
    const rest = await compileMainClasses(model, { cacheDir: path.join(tmp, 'classes'), setAsideFailing: true });
    assert.ok(rest.classesDir && fs.existsSync(path.join(rest.classesDir, 'org/real/Template.class')));
    assert.deepEqual(rest.setAside.map((f) => path.basename(f.file)), ['Broken.java']);
    assert.match(rest.setAside[0].error, /Broken\.java:4: error: cannot find symbol/);
    const cachedRest = await compileMainClasses(model, { cacheDir: path.join(tmp, 'classes'), setAsideFailing: true });
    assert.equal(cachedRest.cached, true);
    assert.deepEqual(cachedRest.setAside, rest.setAside, 'a cache hit reports what was left out');
  });

  it('uses target/classes when it is newer than every source', () => {
    const built = path.join(tmp, 'built');
    fs.cpSync(REAL, built, { recursive: true });
    const cls = path.join(built, 'target/classes/org/real/Template.class');
    fs.mkdirSync(path.dirname(cls), { recursive: true });
    fs.writeFileSync(cls, '');
    const future = new Date(Date.now() + 60_000);
    fs.utimesSync(cls, future, future);
    assert.equal(loadProjectModel(built).mainClassesDir, path.join(built, 'target/classes'));
    const src = path.join(built, 'src/main/java/org/real/Template.java');
    const later = new Date(Date.now() + 120_000);
    fs.utimesSync(src, later, later);
    assert.equal(loadProjectModel(built).mainClassesDir, undefined, 'a source edited after the build');
  });
});
