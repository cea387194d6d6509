import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { interpolate, PomLoader } from '../../../src/project/effective-pom';
import { closestVersion, resolveMavenDependencies, transitiveScope } from '../../../src/project/maven-resolve';
import { loadProjectModel } from '../../../src/project/model';
import { LocalRepositories } from '../../../src/project/repository';

const FIX = path.resolve(__dirname, '../../fixtures/project');
const M2 = path.join(FIX, 'm2');
const jar = (g: string, a: string, v: string, classifier = '') => path.join(M2, ...g.split('.'), a, v, `${a}-${v}${classifier ? `-${classifier}` : ''}.jar`);

describe('project: Maven resolution from poms alone', () => {
  const repos = new LocalRepositories({ m2Repo: M2, extraRepos: [] });
  const loader = new PomLoader(repos);
  const app = loader.fromFile(path.join(FIX, 'maven-app/pom.xml'));
  const res = resolveMavenDependencies(app, loader);
  const found = (a: string) => res.artifacts.find((x) => x.artifactId === a);

  it('follows the parent chain from the repository and interpolates in the child context', () => {
    assert.equal(app.groupId, 'org.example'); // inherited
    assert.equal(app.version, '0.3-SNAPSHOT');
    assert.equal(app.properties.get('project.parent.version'), '1.0');
    assert.equal(app.properties.get('lib.version'), '2.0'); // the parent overrides the grandparent
    assert.equal(app.compilerRelease, '11');
    assert.equal(found('lib-a')?.version, '1.0'); // ${project.parent.version}
    // the grandparent's management says ${lib.version}: Maven interpolates after inheritance → 2.0
    assert.equal(found('lib-b')?.version, '2.0');
  });

  it('imports a BOM and takes versions from it', () => {
    assert.equal(found('lib-c')?.version, '3.1');
    assert.deepEqual(found('lib-c')?.files, [jar('org.example', 'lib-c', '3.1')]);
  });

  it('picks the highest version in a range that is present', () => {
    assert.equal(found('lib-d')?.version, '1.5');
  });

  it('applies exclusions, including *:*', () => {
    assert.equal(found('lib-e'), undefined, 'lib-e is excluded from lib-a and from lib-g');
    assert.equal(found('lib-f')?.via, 'org.example:lib-a:1.0', 'lib-f comes through lib-a; lib-g excludes everything');
  });

  it('follows the scope table and leaves out optional dependencies of dependencies', () => {
    assert.equal(found('lib-i')?.scope, 'runtime');
    assert.equal(found('lib-j'), undefined, 'test scope is not transitive');
    assert.equal(found('lib-k'), undefined, 'provided is not transitive');
    assert.equal(found('lib-l'), undefined, 'optional is not transitive');
    assert.equal(found('lib-n')?.scope, 'test', 'a test dependency passes its scope down');
    assert.equal(transitiveScope('compile', 'runtime'), 'runtime');
    assert.equal(transitiveScope('provided', 'compile'), 'provided');
    assert.equal(transitiveScope('runtime', 'compile'), 'runtime');
    assert.equal(transitiveScope('test', 'runtime'), 'test');
    assert.equal(transitiveScope('compile', 'provided'), undefined);
  });

  it('mediates versions: nearest wins, then the first declaration', () => {
    assert.equal(found('lib-o')?.version, '2.0', 'declared directly beats lib-a → lib-o:1.0');
    assert.equal(found('lib-p')?.version, '1.0', 'lib-a → lib-p:1.0 (depth 2) beats lib-b → lib-q → lib-p:2.0 (depth 3)');
    assert.equal(found('lib-q')?.depth, 2);
    assert.equal(res.artifacts.filter((a) => a.artifactId === 'lib-p').length, 1);
  });

  it('resolves test-jars, relocations and system scope', () => {
    assert.deepEqual(found('lib-h')?.files, [jar('org.example', 'lib-h', '1.0', 'tests')]);
    assert.deepEqual(found('lib-s')?.files, [jar('org.example', 'lib-s', '1.0')], 'old:lib-old is relocated to org.example:lib-s');
    assert.equal(found('lib-old'), undefined);
    assert.deepEqual(found('sys')?.files, [path.join(FIX, 'maven-app/lib/sys.jar')]);
  });

  it('names what it cannot resolve, and a version it substituted', () => {
    const un = res.unresolved.map((u) => `${u.coordinate}: ${u.reason}`);
    assert.ok(un.some((u) => /^org\.example:lib-missing:9\.9: jar not found in .*m2/.test(u)), un.join('\n'));
    assert.ok(un.some((u) => /^org\.example:lib-noversion:\?: no version declared or managed/.test(u)), un.join('\n'));
    assert.deepEqual(res.substitutions.map((s) => `${s.coordinate} → ${s.used}`), ['org.example:lib-r:1.2 → 1.1']);
    const strict = resolveMavenDependencies(app, loader, new Map(), { substitute: false });
    assert.ok(strict.unresolved.some((u) => u.coordinate === 'org.example:lib-r:1.2'));
    assert.deepEqual(strict.substitutions, []);
  });

  it('chooses a substitute in the same major line first, a later one before an earlier one', () => {
    assert.equal(closestVersion(['1.0', '1.1', '2.0', 'debian'], '1.2'), '1.1');
    assert.equal(closestVersion(['1.3', '1.10.0', '1.12.0', '2.0'], '1.8'), '1.10.0');
    assert.equal(closestVersion(['1.1', '1.3', '2.0'], '1.2'), '1.3');
    assert.equal(closestVersion(['3.0', '2.0', '4.x'], '1.2'), '3.0');
    assert.equal(closestVersion([], '1.2'), undefined);
  });

  it('interpolates env.* and the system properties Maven defines, and leaves unknown names', () => {
    const props = new Map([['a', '${b}'], ['b', 'B']]);
    assert.equal(interpolate('${a}-${env.HOME}-${file.separator}-${nope}', props), `B-${process.env.HOME}-${path.sep}-\${nope}`);
    assert.equal(interpolate('${loop}', new Map([['loop', '${loop}']])), '${loop}');
  });

  it('reports a parent that is in no repository', () => {
    const lonely = new PomLoader(new LocalRepositories({ m2Repo: path.join(FIX, 'nowhere'), extraRepos: [] })).fromFile(path.join(FIX, 'maven-app/pom.xml'));
    assert.match(lonely.unresolved.map((u) => `${u.coordinate} ${u.reason}`).join('\n'), /org\.example:parent:1\.0 parent pom: pom not found/);
  });
});

describe('project: the model of a Maven project', () => {
  it('builds layout, classpath, framework and release for one module', () => {
    const m = loadProjectModel(path.join(FIX, 'maven-app'), { m2Repo: M2, extraRepos: [] });
    assert.equal(m.build, 'maven');
    assert.deepEqual(m.mainRoots, [path.join(FIX, 'maven-app/src/main/java')]);
    assert.deepEqual(m.testRoots, [path.join(FIX, 'maven-app/src/test/java')]);
    assert.equal(m.framework, 'junit5');
    assert.equal(m.junitVersion, '5.9.3');
    assert.equal(m.javaRelease, 11);
    assert.ok(m.testClasspath.includes(jar('org.example', 'lib-a', '1.0')));
    assert.ok(m.testClasspath.includes(path.join(FIX, 'maven-app/lib/sys.jar')));
    assert.equal(new Set(m.testClasspath).size, m.testClasspath.length, 'no duplicates');
    assert.ok(m.unresolved.some((u) => u.coordinate === 'org.example:lib-missing:9.9'));
    assert.equal(m.mainClassesDir, undefined, 'nothing built');
  });

  it('resolves a sibling module to its sources and covers all modules from the aggregator', () => {
    const web = loadProjectModel(path.join(FIX, 'multi/web'), { m2Repo: M2, extraRepos: [] });
    assert.ok(web.testClasspath.includes(path.join(FIX, 'multi/core/src/main/java')), web.testClasspath.join('\n'));
    assert.ok(web.testClasspath.includes(jar('org.example', 'lib-c', '3.1')), 'core’s own dependency is transitive');
    assert.ok(web.testClasspath.includes(jar('junit', 'junit', '4.13.2')), 'version managed by the reactor parent');
    assert.equal(web.framework, 'junit4');
    const all = loadProjectModel(path.join(FIX, 'multi'), { m2Repo: M2, extraRepos: [] });
    assert.deepEqual(all.modules, [path.join(FIX, 'multi/core'), path.join(FIX, 'multi/web')]);
    assert.deepEqual(all.mainRoots, [path.join(FIX, 'multi/core/src/main/java'), path.join(FIX, 'multi/web/src/main/java')]);
    assert.ok(!all.testClasspath.some((p) => p.startsWith(path.join(FIX, 'multi'))), 'modules of the model are sources, not classpath entries');
    assert.deepEqual(all.unresolved, []);
  });

  it('never throws on a folder that does not exist or a broken pom', () => {
    const m = loadProjectModel(path.join(FIX, 'no-such-project'));
    assert.match(m.warnings.join(), /does not exist/);
  });
});
