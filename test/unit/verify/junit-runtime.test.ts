// Which JUnit verification runs (src/verify/junit-runtime.ts), on small fake repositories in a temp
// folder: the project's standalone launcher, the project's jars under the closest console launcher,
// Debian's with a note naming the project's version, and JUnit 4's jar.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ResolvedArtifact } from '../../../src/project/maven-resolve';
import { chooseJUnitRuntime, platformVersionOf } from '../../../src/verify/junit-runtime';

describe('verify: the JUnit a project runs with', () => {
  let tmp: string;
  let m2: string;
  let javaDir: string;
  const file = (g: string, a: string, v: string, ext = 'jar') => path.join(m2, ...g.split('.'), a, v, `${a}-${v}.${ext}`);
  /** A module in the fake repository: its pom (with compile dependencies) and, unless `noJar`, its jar. */
  const put = (g: string, a: string, v: string, deps: [string, string, string][] = [], noJar = false) => {
    const pom = file(g, a, v, 'pom');
    fs.mkdirSync(path.dirname(pom), { recursive: true });
    const depXml = deps.map(([dg, da, dv]) => `<dependency><groupId>${dg}</groupId><artifactId>${da}</artifactId><version>${dv}</version></dependency>`).join('');
    fs.writeFileSync(pom, `<project><modelVersion>4.0.0</modelVersion><groupId>${g}</groupId><artifactId>${a}</artifactId><version>${v}</version><dependencies>${depXml}</dependencies></project>`);
    if (!noJar) fs.writeFileSync(file(g, a, v), 'jar');
  };
  const artifact = (g: string, a: string, v: string): ResolvedArtifact => ({ groupId: g, artifactId: a, version: v, type: 'jar', scope: 'test', depth: 1, via: '', files: [file(g, a, v)] });
  const choose = (...artifacts: ResolvedArtifact[]) => chooseJUnitRuntime({ artifacts }, { repositories: { m2Repo: m2, extraRepos: [], gradleHome: path.join(tmp, 'gradle') }, javaDir });
  const platform = (a: string, v: string, deps: [string, string, string][] = []) => put('org.junit.platform', a, v, deps);

  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'testtune-junit-runtime-'));
    m2 = path.join(tmp, 'm2');
    javaDir = path.join(tmp, 'java');
    fs.mkdirSync(javaDir, { recursive: true });
    for (const j of ['junit-platform-console-standalone.jar', 'junit4.jar', 'hamcrest.jar', 'mockito-core.jar']) fs.writeFileSync(path.join(javaDir, j), 'jar');
    // JUnit 5.12.2 as Maven Central lays it out, and a console launcher of an older platform
    put('org.opentest4j', 'opentest4j', '1.3.0');
    platform('junit-platform-commons', '1.12.2');
    platform('junit-platform-engine', '1.12.2', [['org.opentest4j', 'opentest4j', '1.3.0'], ['org.junit.platform', 'junit-platform-commons', '1.12.2']]);
    platform('junit-platform-launcher', '1.12.2', [['org.junit.platform', 'junit-platform-engine', '1.12.2']]);
    put('org.junit.jupiter', 'junit-jupiter-api', '5.12.2', [['org.opentest4j', 'opentest4j', '1.3.0'], ['org.junit.platform', 'junit-platform-commons', '1.12.2']]);
    put('org.junit.jupiter', 'junit-jupiter-engine', '5.12.2', [['org.junit.platform', 'junit-platform-engine', '1.12.2'], ['org.junit.jupiter', 'junit-jupiter-api', '5.12.2']]);
    platform('junit-platform-reporting', '1.9.3', [['org.junit.platform', 'junit-platform-launcher', '1.9.3']]);
    platform('junit-platform-launcher', '1.9.3');
    put('info.picocli', 'picocli', '4.7.0');
    platform('junit-platform-console', '1.9.3', [['org.junit.platform', 'junit-platform-reporting', '1.9.3'], ['info.picocli', 'picocli', '4.7.0']]);
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('maps Jupiter versions to platform versions', () => {
    assert.equal(platformVersionOf('5.12.2'), '1.12.2');
    assert.equal(platformVersionOf('6.0.1'), '6.0.1');
  });

  it("runs the project's Jupiter with its engine and launcher under the closest console launcher, the console last", () => {
    const r = choose(artifact('org.junit.jupiter', 'junit-jupiter-api', '5.12.2'));
    assert.equal(r.note, undefined);
    assert.match(r.description, /5\.12\.2 \(the project's classpath\) under console launcher 1\.9\.3 \(the closest to 1\.12\.2/);
    assert.equal(r.launcher[r.launcher.length - 1], file('org.junit.platform', 'junit-platform-console', '1.9.3'));
    for (const [a, v] of [['junit-platform-launcher', '1.12.2'], ['junit-platform-engine', '1.12.2'], ['junit-platform-commons', '1.12.2'], ['junit-platform-reporting', '1.9.3']]) assert.ok(r.launcher.includes(file('org.junit.platform', a, v)), `${a} ${v} in ${r.launcher.join(' ')}`);
    assert.ok(r.launcher.includes(file('org.junit.jupiter', 'junit-jupiter-engine', '5.12.2')));
    assert.ok(r.launcher.includes(file('info.picocli', 'picocli', '4.7.0')));
    // the console's own platform 1.9.3 launcher loses to the project's 1.12.2 (nearest wins)
    assert.ok(!r.launcher.includes(file('org.junit.platform', 'junit-platform-launcher', '1.9.3')));
    assert.deepEqual(r.testJars, ['junit4.jar', 'hamcrest.jar', 'mockito-core.jar'].map((j) => path.join(javaDir, j)));
  });

  it("takes the project's own console launcher of the same platform version when the repository has it", () => {
    platform('junit-platform-console', '1.12.2', [['org.junit.platform', 'junit-platform-launcher', '1.12.2']]);
    const exact = choose(artifact('org.junit.jupiter', 'junit-jupiter-api', '5.12.2'));
    assert.equal(exact.launcher[exact.launcher.length - 1], file('org.junit.platform', 'junit-platform-console', '1.12.2'));
    assert.match(exact.description, /under console launcher 1\.12\.2$/);
    platform('junit-platform-console-standalone', '1.12.2');
    const standalone = choose(artifact('org.junit.jupiter', 'junit-jupiter-api', '5.12.2'));
    assert.deepEqual(standalone.launcher, [file('org.junit.platform', 'junit-platform-console-standalone', '1.12.2')]);
  });

  it("falls back to Debian's launcher with a note that names what is missing and the version used", () => {
    fs.rmSync(path.dirname(file('org.junit.jupiter', 'junit-jupiter-engine', '5.12.2')), { recursive: true });
    const r = choose(artifact('org.junit.jupiter', 'junit-jupiter-api', '5.12.2'));
    assert.deepEqual(r.launcher, [path.join(javaDir, 'junit-platform-console-standalone.jar')]);
    assert.match(r.note ?? '', /project's JUnit 5\.12\.2 .*org\.junit\.jupiter:junit-jupiter-engine:5\.12\.2.*ran with JUnit 5\.9\.2/);
  });

  it('falls back with a note when no console launcher of the generation is present, and for JUnit 6', () => {
    fs.rmSync(path.join(m2, 'org/junit/platform/junit-platform-console'), { recursive: true });
    assert.match(choose(artifact('org.junit.jupiter', 'junit-jupiter-api', '5.12.2')).note ?? '', /no JUnit console launcher 1\.x .* 5\.12\.2: ran with JUnit 5\.9\.2/);
    assert.match(choose(artifact('org.junit.jupiter', 'junit-jupiter-api', '6.0.1')).note ?? '', /JUnit 6\.0\.1 needs Java 17.*ran with JUnit 5\.9\.2/);
  });

  it("JUnit 4: the project's junit:junit replaces Debian's from 4.12 on; an older one is named in a note", () => {
    const r = choose(artifact('junit', 'junit', '4.13.1'));
    assert.equal(r.note, undefined);
    assert.ok(r.testJars.includes(file('junit', 'junit', '4.13.1')));
    assert.ok(!r.testJars.includes(path.join(javaDir, 'junit4.jar')));
    assert.match(r.description, /JUnit 4\.13\.1 \(the project's classpath\)/);
    const old = choose(artifact('junit', 'junit', '4.11'));
    assert.ok(old.testJars.includes(path.join(javaDir, 'junit4.jar')));
    assert.match(old.note ?? '', /JUnit 4\.11 predates 4\.12.*ran with JUnit 4\.13\.2/);
  });

  it('names the declared version when the model replaced a JUnit missing locally', () => {
    const r = chooseJUnitRuntime(
      { artifacts: [artifact('org.junit.jupiter', 'junit-jupiter-api', '5.12.2')], substitutions: [{ coordinate: 'org.junit.jupiter:junit-jupiter-api:5.6.2', used: '5.12.2' }] },
      { repositories: { m2Repo: m2, extraRepos: [], gradleHome: path.join(tmp, 'gradle') }, javaDir },
    );
    assert.match(r.note ?? '', /declares JUnit 5\.6\.2, which is not in the local repositories: ran with JUnit Jupiter 5\.12\.2 \(the project's classpath\).*nearest version present/);
  });

  it("a project without JUnit on its classpath runs with Debian's, without a note", () => {
    const r = choose();
    assert.deepEqual(r.launcher, [path.join(javaDir, 'junit-platform-console-standalone.jar')]);
    assert.equal(r.note, undefined);
  });
});
