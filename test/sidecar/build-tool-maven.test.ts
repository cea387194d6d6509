// Running Maven for the test classpath (src/project/build-tool.ts) with the real `mvn`, offline, on a
// tiny project whose declared dependency is missing locally. On this machine Maven's own
// maven-dependency-plugin cannot run offline (its dependencies are not in ~/.m2), so what is checked
// is the failure path: a clear message with Maven's first error lines, the offline model kept, the
// workspace untouched, and the time limit. The success path needs a ~/.m2 with the plugin's
// dependencies; the classpath parsing it uses is unit-tested (test/unit/project/build-tool.test.ts).
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { completeWithBuildTool, runBuildToolClasspath } from '../../src/project/build-tool';
import { loadProjectModel } from '../../src/project/model';

const POM = `<project><modelVersion>4.0.0</modelVersion><groupId>com.example</groupId><artifactId>tiny</artifactId><version>1.0</version>
  <dependencies>
    <dependency><groupId>junit</groupId><artifactId>junit</artifactId><version>4.13.2</version><scope>test</scope></dependency>
    <dependency><groupId>org.nowhere</groupId><artifactId>missing-lib</artifactId><version>9.9</version></dependency>
  </dependencies>
</project>
`;

function listing(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, withFileTypes: false }).map(String).sort();
}

describe('the build tool for the classpath: real Maven, offline', function () {
  this.timeout(240_000);
  let tmp: string;
  let project: string;
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'testtune-mvn-'));
    project = path.join(tmp, 'tiny');
    fs.mkdirSync(path.join(project, 'src/main/java/com/example'), { recursive: true });
    fs.writeFileSync(path.join(project, 'pom.xml'), POM);
    fs.writeFileSync(path.join(project, 'src/main/java/com/example/Tiny.java'), 'package com.example;\npublic class Tiny {}\n');
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('reports a failure with Maven’s first error lines, keeps the offline model and writes nothing in the project', async () => {
    const model = loadProjectModel(project);
    assert.deepEqual(model.unresolved.map((u) => u.coordinate), ['org.nowhere:missing-lib:9.9']);
    const classpath = [...model.testClasspath];
    const before = listing(project);
    const got = await completeWithBuildTool(model, { setting: 'maven-gradle', timeoutMs: 200_000, cacheDir: path.join(tmp, 'cache') });
    assert.equal(got.run?.tool, 'maven');
    assert.match(got.run?.command ?? '', /^mvn -o -q -B -f .*pom\.xml dependency:build-classpath -Dmdep\.outputFile=.* -Dmdep\.includeScope=test/);
    assert.equal(got.run?.classpath, undefined, 'mvn cannot resolve here; if it ever does, this test must check the success path instead');
    assert.match(got.message ?? '', /running the build tool for the classpath failed \(`mvn -o/);
    assert.match(got.run?.error ?? '', /^mvn exited with 1:\n\[ERROR\] .*(maven-dependency-plugin|missing-lib)/);
    assert.match(got.run?.error ?? '', /offline/);
    assert.deepEqual(model.unresolved.map((u) => u.coordinate), ['org.nowhere:missing-lib:9.9'], 'the offline model stays');
    assert.deepEqual(model.testClasspath, classpath);
    assert.deepEqual(listing(project), before, 'nothing written in the project');
  });

  it('kills Maven at the time limit and says so', async () => {
    const run = await runBuildToolClasspath({ root: project, build: 'maven' }, { timeoutMs: 300, cacheDir: path.join(tmp, 'cache') });
    assert.match(run?.error ?? '', /^killed after 0\.3 s \(time limit\)/);
  });
});
