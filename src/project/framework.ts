// The project's test framework: from the resolved classpath first (junit-jupiter-api → JUnit 5
// with its version, junit:junit → JUnit 4), else from build files and existing tests
// (src/java/framework.ts reads their text). Mockito: on the classpath or imported by tests.
import { detectFramework, type Framework } from '../java/framework';
import type { ResolvedArtifact } from './maven-resolve';

export interface ProjectFramework {
  framework: Framework;
  junitVersion?: string;
  mockito: boolean;
  evidence: string[];
}

export function frameworkOf(artifacts: ResolvedArtifact[], root: string): ProjectFramework {
  const find = (g: string, a: string) => artifacts.find((x) => x.groupId === g && x.artifactId === a && x.files.length);
  const jupiter = find('org.junit.jupiter', 'junit-jupiter-api') ?? find('org.junit.jupiter', 'junit-jupiter');
  const junit4 = find('junit', 'junit');
  const mockitoOnClasspath = !!(find('org.mockito', 'mockito-core') ?? find('org.mockito', 'mockito-junit-jupiter'));
  if (jupiter || junit4) {
    const fromText = mockitoOnClasspath ? { mockito: true } : detectFramework(root);
    // a build with both (the vintage engine) counts as JUnit 5: new tests should use Jupiter
    const hit = jupiter ?? junit4!;
    return {
      framework: jupiter ? 'junit5' : 'junit4',
      junitVersion: hit.version,
      mockito: mockitoOnClasspath || fromText.mockito,
      evidence: [`${hit.groupId}:${hit.artifactId}:${hit.version} on the test classpath`],
    };
  }
  const fromText = detectFramework(root);
  return { framework: fromText.framework, mockito: mockitoOnClasspath || fromText.mockito, evidence: fromText.evidence };
}
