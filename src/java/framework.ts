// JUnit 4/5 and Mockito detection lives with the project model (src/project/framework.ts); the Java
// analysis code and its callers keep importing it from here.
export { detectFramework, scanBuildText, scanTestText, type Framework, type FrameworkInfo } from '../project/framework';
