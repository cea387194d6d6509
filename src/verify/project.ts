// The project as verification sees it: the project model (src/project/). Verification runs tests with
// the JUnit that junit-runtime.ts chooses (the project's version when it can) with Hamcrest and
// Mockito, so it puts the model's classpath without those on the class path (classpathWithoutTestFrameworks).
export { compileMainClasses } from '../project/compile-main';
export { classpathWithoutTestFrameworks, loadProjectModel, type ProjectModel } from '../project/model';
