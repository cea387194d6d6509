import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { parseCatalog, readGradleBuild } from '../../../src/project/gradle';
import { loadProjectModel } from '../../../src/project/model';

const FIX = path.resolve(__dirname, '../../fixtures/project');
const M2 = path.join(FIX, 'm2');
const jar = (g: string, a: string, v: string, classifier = '') => path.join(M2, ...g.split('.'), a, v, `${a}-${v}${classifier ? `-${classifier}` : ''}.jar`);

describe('project: Gradle builds', () => {
  it('reads a version catalog (versions, refs, strictly, bundles) and names a broken entry', () => {
    const c = parseCatalog(`[versions]\nx = "1"\ny = { strictly = "2" }\n[libraries]\nfoo-bar = { module = "g:foo", version.ref = "x" }\nbaz = "g:baz:3"\nq = { group = "g", name = "q", version.ref = "y" }\nbad = { module = "g:bad", version.ref = "nope" }\n[bundles]\nall = [\n  "foo-bar",\n  "baz",\n]\n`, 'cat.toml');
    assert.deepEqual(c.libraries.get('foo.bar'), { groupId: 'g', artifactId: 'foo', version: '1' });
    assert.deepEqual(c.libraries.get('baz'), { groupId: 'g', artifactId: 'baz', version: '3' });
    assert.equal(c.libraries.get('q')?.version, '2');
    assert.deepEqual(c.bundles.get('all'), ['foo.bar', 'baz']);
    assert.match(c.warnings.join(), /cat.toml: library bad refers to undefined version "nope"/);
  });

  it('reads string, map, catalog, bundle and platform notations and reports what it cannot read', () => {
    const b = readGradleBuild(path.join(FIX, 'gradle-app'));
    const deps = b.dependencies.map((d) => `${d.scope} ${d.groupId}:${d.artifactId}:${d.version ?? '-'}${d.classifier ? `:${d.classifier}` : ''}`);
    assert.deepEqual(deps, [
      'compile org.example:lib-b:2.0',
      'compile org.example:lib-d:1.5',
      'provided org.example:lib-r:1.1',
      'test org.junit.jupiter:junit-jupiter-api:5.9.3',
      'test org.example:lib-c:-',
      'test org.example:lib-h:1.0:tests',
      'test org.gradleonly:lib-z:1.0',
    ]);
    assert.deepEqual(b.platforms.map((p) => `${p.groupId}:${p.artifactId}:${p.version}`), ['org.example:bom:1.0']);
    assert.match(b.warnings.join('\n'), /cannot read dependency notation "someFunction\(\)\)"/);
  });

  it('resolves the Gradle test classpath transitively from Gradle’s cache and ~/.m2, with platform versions and libs/*.jar', () => {
    const m = loadProjectModel(path.join(FIX, 'gradle-app'), { m2Repo: M2, extraRepos: [], gradleHome: path.join(FIX, 'gradle-home') });
    const cache = path.join(FIX, 'gradle-home/caches/modules-2/files-2.1/org.gradleonly/lib-z/1.0');
    assert.ok(m.testClasspath.includes(path.join(cache, '2222222222222222222222222222222222222222/lib-z-1.0.jar')), 'a jar in Gradle’s cache');
    assert.ok(m.testClasspath.includes(jar('org.example', 'lib-i', '1.0')), 'its dependency, read from the pom in Gradle’s cache');
    assert.deepEqual(m.unresolved, []);
    assert.equal(m.build, 'gradle');
    for (const j of [jar('org.example', 'lib-b', '2.0'), jar('org.example', 'lib-q', '1.0'), jar('org.example', 'lib-p', '2.0'), jar('org.example', 'lib-c', '3.1'), jar('org.example', 'lib-h', '1.0', 'tests'), path.join(FIX, 'gradle-app/libs/extra.jar')]) {
      assert.ok(m.testClasspath.includes(j), `${j} missing from\n${m.testClasspath.join('\n')}`);
    }
    assert.equal(m.framework, 'junit5');
    assert.equal(m.junitVersion, '5.9.3');
  });

  it('reads coordinate maps defined in the root project (depends.libB)', () => {
    const b = readGradleBuild(path.join(FIX, 'gradle-multi/sub'));
    assert.deepEqual(b.dependencies.map((d) => `${d.scope} ${d.groupId}:${d.artifactId}:${d.version}`), ['compile org.example:lib-b:1.0', 'test org.example:lib-r:1.1']);
    assert.deepEqual(b.warnings, []);
  });
});

describe('project: plain layouts', () => {
  it('uses src/ and test/, lib/*.jar, and the framework from the tests', () => {
    const m = loadProjectModel(path.join(FIX, 'plain'), { m2Repo: M2, extraRepos: [] });
    assert.equal(m.build, 'plain');
    assert.deepEqual(m.mainRoots, [path.join(FIX, 'plain/src')]);
    assert.deepEqual(m.testRoots, [path.join(FIX, 'plain/test')]);
    assert.deepEqual(m.testClasspath, [path.join(FIX, 'plain/lib/dep.jar')]);
    assert.equal(m.framework, 'junit4');
    assert.deepEqual(m.unresolved, []);
  });
});
