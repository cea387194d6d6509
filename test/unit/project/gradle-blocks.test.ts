// Gradle multi-project builds read without Gradle: allprojects/subprojects/project(':x') blocks applied
// to each subproject (and not to the root's own dependencies), the Java plugin, local repositories
// (flatDir, a folder as Maven repository), and settings.gradle includes as the model's modules; Groovy
// and Kotlin DSL. Small builds written into a temp folder; jars from the fixture repository.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readGradleBuild } from '../../../src/project/gradle';
import { appliesJavaPlugin, readGradleSettings, stripComments, topLevelBlocks } from '../../../src/project/gradle-script';
import { loadProjectModel } from '../../../src/project/model';

const M2 = path.resolve(__dirname, '../../fixtures/project/m2');
const jar = (g: string, a: string, v: string) => path.join(M2, ...g.split('.'), a, v, `${a}-${v}.jar`);
const deps = (dir: string) => readGradleBuild(dir).dependencies.map((d) => `${d.scope} ${d.groupId}:${d.artifactId}:${d.version}`).sort();

function write(root: string, files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  }
}

describe('project: Gradle multi-project builds (allprojects, subprojects, settings includes)', () => {
  let tmp: string;
  before(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'testtune-gradle-blocks-'))));
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('finds top-level blocks by name, skipping braces in strings and comments', () => {
    const text = stripComments(`// subprojects { not this }\nallprojects { a = "}" }\nbuildscript { dependencies { subprojects { x } } }\nsubprojects {\n  y { z }\n}\n`);
    assert.deepEqual(topLevelBlocks(text, /allprojects|subprojects/).map((b) => [b.name, b.body.trim()]), [['allprojects', 'a = "}"'], ['subprojects', 'y { z }']]);
  });

  it('tells when a script applies the Java plugin, in both DSLs', () => {
    for (const yes of [`plugins { id 'java' }`, `plugins { id("java-library") }`, 'plugins {\n  `java-library`\n}', 'plugins { java }', `apply plugin: 'java'`, `subprojects { apply(plugin = "application") }`]) assert.ok(appliesJavaPlugin(yes), yes);
    for (const no of [`plugins { id 'base' }`, `plugins { id 'java-gradle-plugin' }`, 'plugins { kotlin("jvm") }', `def java = 1`]) assert.ok(!appliesJavaPlugin(no), no);
  });

  describe('Groovy DSL', () => {
    let root: string;
    before(() => {
      root = path.join(tmp, 'groovy');
      write(root, {
        'settings.gradle': `rootProject.name = 'shop'\ninclude 'core', 'app'\ninclude ':tools:cli'\nproject(':tools:cli').projectDir = file('cli')\n`,
        'build.gradle': `plugins { id 'base' }
allprojects {
    repositories {
        mavenCentral()
        flatDir { dirs "\${rootDir}/flat" }
    }
}
subprojects {
    apply plugin: 'java-library'
    dependencies {
        testImplementation 'org.example:lib-r:1.1' // every subproject
        implementation 'local:flatlib:2.0'
    }
}
project(':app') {
    dependencies { implementation 'org.example:lib-b:1.0' }
}
dependencies { testImplementation 'org.example:lib-q:1.0' } // the root's own
`,
        'flat/flatlib-2.0.jar': 'jar',
        'core/build.gradle': `dependencies {\n    api 'org.example:lib-d:1.5'\n}\n`,
        'core/src/main/java/c/C.java': 'package c;\npublic class C {}\n',
        'app/build.gradle': `dependencies {\n    implementation project(':core')\n}\n`,
        'app/src/main/java/a/A.java': 'package a;\npublic class A {}\n',
        'cli/build.gradle': '',
        'cli/src/main/java/t/T.java': 'package t;\npublic class T {}\n',
      });
    });

    it('reads the includes and a moved project folder', () => {
      const s = readGradleSettings(root);
      assert.deepEqual([...s.projects], [[':core', path.join(root, 'core')], [':app', path.join(root, 'app')], [':tools:cli', path.join(root, 'cli')]]);
    });

    it("applies subprojects and project(':app') blocks to the subprojects, not to the root's own dependencies", () => {
      assert.deepEqual(deps(path.join(root, 'core')), ['compile local:flatlib:2.0', 'compile org.example:lib-d:1.5', 'test org.example:lib-r:1.1']);
      assert.deepEqual(deps(path.join(root, 'app')), ['compile local:flatlib:2.0', 'compile org.example:lib-b:1.0', 'test org.example:lib-r:1.1']);
      assert.deepEqual(deps(path.join(root, 'cli')), ['compile local:flatlib:2.0', 'test org.example:lib-r:1.1']);
      assert.deepEqual(deps(root), ['test org.example:lib-q:1.0']);
      assert.equal(readGradleBuild(path.join(root, 'core')).javaPlugin, true);
      assert.equal(readGradleBuild(root).javaPlugin, false);
      assert.deepEqual(readGradleBuild(path.join(root, 'core')).localRepos.flat, [path.join(root, 'flat')]);
    });

    it('models the root as its included Java projects, with flatDir jars and project dependencies inside the model', () => {
      const m = loadProjectModel(root, { m2Repo: M2, extraRepos: [], gradleHome: path.join(tmp, 'no-gradle') });
      assert.equal(m.build, 'gradle');
      assert.deepEqual(m.modules, ['core', 'app', 'cli'].map((d) => path.join(root, d)));
      assert.deepEqual(m.unresolved, []);
      for (const j of [jar('org.example', 'lib-r', '1.1'), jar('org.example', 'lib-b', '1.0'), jar('org.example', 'lib-d', '1.5'), path.join(root, 'flat/flatlib-2.0.jar')]) assert.ok(m.testClasspath.includes(j), `${j} missing from\n${m.testClasspath.join('\n')}`);
      assert.ok(!m.testClasspath.includes(jar('org.example', 'lib-q', '1.0')), "the root's own dependency is not a subproject's");
      assert.ok(!m.testClasspath.some((e) => e.endsWith(path.join('core', 'src', 'main', 'java'))), 'core is in the model: its sources are main roots, not classpath');
    });

    it('a subproject opened alone finds its sibling through the settings file', () => {
      const m = loadProjectModel(path.join(root, 'app'), { m2Repo: M2, extraRepos: [], gradleHome: path.join(tmp, 'no-gradle') });
      assert.deepEqual(m.unresolved, []);
      assert.ok(m.testClasspath.includes(path.join(root, 'core/src/main/java')));
      assert.ok(m.testClasspath.includes(jar('org.example', 'lib-b', '1.0')));
    });
  });

  describe('Kotlin DSL', () => {
    let root: string;
    before(() => {
      root = path.join(tmp, 'kotlin');
      write(root, {
        'settings.gradle.kts': `rootProject.name = "shop"\ninclude("core")\n`,
        'build.gradle.kts': `plugins {
    \`java-library\`
}
allprojects {
    repositories {
        maven { url = uri("\${rootDir}/repo") }
    }
}
subprojects {
    apply(plugin = "java")
    dependencies {
        "testImplementation"("org.example:lib-r:1.1")
        "implementation"("org.local:lib-x:1.0")
    }
}
dependencies {
    testImplementation("org.example:lib-q:1.0")
}
`,
        'src/main/java/r/R.java': 'package r;\npublic class R {}\n',
        'repo/org/local/lib-x/1.0/lib-x-1.0.pom': '<project><modelVersion>4.0.0</modelVersion><groupId>org.local</groupId><artifactId>lib-x</artifactId><version>1.0</version></project>',
        'repo/org/local/lib-x/1.0/lib-x-1.0.jar': 'jar',
        'core/build.gradle.kts': `plugins {\n    java\n}\ndependencies {\n    implementation("org.example:lib-b:1.0")\n}\n`,
        'core/src/main/java/c/C.java': 'package c;\npublic class C {}\n',
      });
    });

    it('applies the subprojects block (string configuration names) and reads the plugins block', () => {
      assert.deepEqual(deps(path.join(root, 'core')), ['compile org.example:lib-b:1.0', 'compile org.local:lib-x:1.0', 'test org.example:lib-r:1.1']);
      assert.deepEqual(deps(root), ['test org.example:lib-q:1.0']);
      assert.equal(readGradleBuild(root).javaPlugin, true);
      assert.deepEqual(readGradleBuild(path.join(root, 'core')).localRepos.maven, [path.join(root, 'repo')]);
    });

    it('models the root and core, resolving from the folder repository the build names', () => {
      const m = loadProjectModel(root, { m2Repo: M2, extraRepos: [], gradleHome: path.join(tmp, 'no-gradle') });
      assert.deepEqual(m.modules, [root, path.join(root, 'core')]);
      assert.deepEqual(m.unresolved, []);
      for (const j of [jar('org.example', 'lib-q', '1.0'), jar('org.example', 'lib-r', '1.1'), jar('org.example', 'lib-b', '1.0'), path.join(root, 'repo/org/local/lib-x/1.0/lib-x-1.0.jar')]) assert.ok(m.testClasspath.includes(j), `${j} missing from\n${m.testClasspath.join('\n')}`);
    });
  });
});
