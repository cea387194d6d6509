// The pure parts of running the build tool (src/project/build-tool.ts): the classpath it prints, the
// coordinates of a jar from its repository path, the first lines of its output, and when it runs at all.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { artifactOfPath, completeWithBuildTool, firstLines, parseClasspath } from '../../../src/project/build-tool';
import { loadProjectModel } from '../../../src/project/model';

describe('project: the build tool’s classpath', () => {
  it('reads classpath files (appended per module) and Gradle’s marker lines: absolute entries, once each', () => {
    assert.deepEqual(parseClasspath('/r/a.jar:/r/b.jar\n/r/a.jar:/r/d.jar\n', ':'), ['/r/a.jar', '/r/b.jar', '/r/d.jar']);
    // a reactor's modules appended without a separator
    assert.deepEqual(parseClasspath('/r/a.jar:/r/b.jar/r/c.jar:/w/m/target/classes/r/d.jar', ':'), ['/r/a.jar', '/r/b.jar', '/r/c.jar', '/w/m/target/classes', '/r/d.jar']);
    assert.deepEqual(parseClasspath('C:\\r\\a.jar;C:\\r\\b.jarC:\\r\\c.jar', ';'), ['C:\\r\\a.jar', 'C:\\r\\b.jar', 'C:\\r\\c.jar']);
    assert.deepEqual(parseClasspath('TESTTUNE-CLASSPATH /g/x.jar:/g/y.jar\nTESTTUNE-CLASSPATH \nrelative.jar', ':'), ['/g/x.jar', '/g/y.jar']);
  });

  it('names a jar by its place in ~/.m2 or Gradle’s cache', () => {
    const m2 = artifactOfPath('/home/u/.m2/repository/org/junit/jupiter/junit-jupiter-api/5.12.2/junit-jupiter-api-5.12.2.jar');
    assert.deepEqual([m2?.groupId, m2?.artifactId, m2?.version], ['org.junit.jupiter', 'junit-jupiter-api', '5.12.2']);
    const gradle = artifactOfPath('/home/u/.gradle/caches/modules-2/files-2.1/com.google.guava/guava/33.0-jre/abc123/guava-33.0-jre.jar');
    assert.deepEqual([gradle?.groupId, gradle?.artifactId, gradle?.version], ['com.google.guava', 'guava', '33.0-jre']);
    assert.equal(artifactOfPath('/work/project/lib/thing.jar'), undefined);
  });

  it('keeps the error lines of the output first, without colour codes', () => {
    const out = '\x1b[1;31m[ERROR]\x1b[m Failed to execute goal x: offline\n[ERROR] \n[INFO] noise\n[ERROR] Re-run Maven';
    assert.equal(firstLines(out, 2), '[ERROR] Failed to execute goal x: offline\n[ERROR] Re-run Maven');
    assert.equal(firstLines('only info\nmore', 1), 'only info');
  });

  it('runs nothing unless allowed, and nothing when the offline classpath is complete', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'testtune-build-tool-'));
    try {
      fs.writeFileSync(path.join(dir, 'pom.xml'), '<project><modelVersion>4.0.0</modelVersion><groupId>g</groupId><artifactId>a</artifactId><version>1</version><dependencies><dependency><groupId>org.nowhere</groupId><artifactId>missing</artifactId><version>1.0</version></dependency></dependencies></project>');
      const model = loadProjectModel(dir, { m2Repo: path.join(dir, 'empty-m2'), extraRepos: [] });
      assert.equal(model.unresolved.length, 1);
      assert.deepEqual(await completeWithBuildTool(model, { setting: 'never', cacheDir: path.join(dir, 'cache') }), {});
      const complete = { ...model, unresolved: [] };
      assert.deepEqual(await completeWithBuildTool(complete, { setting: 'maven-gradle', cacheDir: path.join(dir, 'cache') }), {});
      assert.ok(!fs.existsSync(path.join(dir, 'cache')), 'no build tool ran');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
