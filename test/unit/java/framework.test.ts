import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { detectFramework } from '../../../src/java/framework';
import { treesRemovedAfter } from './tmpdir';

const POM4 = '<project><dependencies><dependency><groupId>junit</groupId><artifactId>junit</artifactId><version>4.13.2</version></dependency></dependencies></project>';
const POM5 = '<project><dependencies><dependency><groupId>org.junit.jupiter</groupId><artifactId>junit-jupiter</artifactId></dependency><dependency><groupId>org.mockito</groupId><artifactId>mockito-core</artifactId></dependency></dependencies></project>';

describe('detectFramework', () => {
  const tree = treesRemovedAfter();

  it('reads JUnit 4 and JUnit 5 + Mockito from Maven poms', () => {
    const r4 = detectFramework(tree({ 'pom.xml': POM4 }));
    assert.equal(r4.framework, 'junit4');
    assert.equal(r4.mockito, false);
    assert.match(r4.evidence[0], /pom\.xml declares junit:junit/);
    const r5 = detectFramework(tree({ 'pom.xml': POM5 }));
    assert.deepEqual([r5.framework, r5.mockito], ['junit5', true]);
  });

  it('reads Gradle build files in modules', () => {
    const root = tree({ 'settings.gradle': '', 'app/build.gradle.kts': 'dependencies { testImplementation("org.junit.jupiter:junit-jupiter:5.10.0") }\ntasks.test { useJUnitPlatform() }' });
    assert.equal(detectFramework(root).framework, 'junit5');
    const g4 = tree({ 'build.gradle': "dependencies { testImplementation 'junit:junit:4.13.2'; testImplementation 'org.mockito:mockito-core:5.0.0' }" });
    assert.deepEqual([detectFramework(g4).framework, detectFramework(g4).mockito], ['junit4', true]);
  });

  it('lets the test file imports win over the build file', () => {
    const root = tree({ 'pom.xml': POM5 });
    const r = detectFramework(root, 'import org.junit.Test;\nimport static org.junit.Assert.*;\nclass ATest {}');
    assert.equal(r.framework, 'junit4');
    assert.match(r.evidence[0], /the test file imports org.junit/);
  });

  it('falls back to existing tests, then to JUnit 5', () => {
    const root = tree({ 'src/test/java/p/ATest.java': 'import org.junit.Test;\nimport org.mockito.Mockito;\nclass ATest {}' });
    const r = detectFramework(root);
    assert.deepEqual([r.framework, r.mockito], ['junit4', true]);
    assert.match(r.evidence[0], new RegExp(path.join('src/test/java/p/ATest.java').replace(/\./g, '\\.')));
    const none = detectFramework(tree({ 'README.md': '' }));
    assert.deepEqual([none.framework, none.mockito], ['junit5', false]);
    assert.match(none.evidence[0], /JUnit 5 by default/);
  });

  it('detects the sample project', () => {
    const r = detectFramework(path.join(__dirname, '../../../examples/calculator'));
    assert.deepEqual([r.framework, r.mockito], ['junit5', false]);
  });
});
