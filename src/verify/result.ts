// What verifying one candidate test found (src/verify/verify.ts produces it, the result cache stores it).
import type { CompileError } from './javac-output';
import type { TestFailure } from './launcher-output';

export type VerifyStatus = 'passes' | 'fails' | 'compiles' | 'does-not-compile' | 'timeout' | 'error';

export interface VerifyResult {
  status: VerifyStatus;
  compileErrors: CompileError[];
  /** The test class compiled and the test JVM started (false before that: compile errors, the environment). */
  compiled?: boolean;
  failure?: TestFailure;
  /** The run executed the focal method (JaCoCo saw it entered, or a failure's stack passed through it). */
  callsFocal: boolean;
  focalLines: { covered: number; total: number };
  focalBranches: { covered: number; total: number };
  seconds: number;
  log: string;
  message?: string; // one line saying why, for 'error', 'timeout', 'compiles', 'fails' and sandbox refusals
  cached?: boolean;
  /** Which JUnit ran the test (src/verify/junit-runtime.ts). */
  junit?: string;
  /** Why the project's own JUnit version was not used, naming the one used instead. */
  junitNote?: string;
}
