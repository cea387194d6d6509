// The project as verification sees it: the project model (src/project/). Verification runs tests with
// its own JUnit console launcher, JUnit 4, Hamcrest and Mockito (verify.ts), so it puts the model's
// classpath without those on the class path (classpathWithoutTestFrameworks).
export { compileMainClasses } from '../project/compile-main';
export { classpathWithoutTestFrameworks, loadProjectModel, type ProjectModel } from '../project/model';
