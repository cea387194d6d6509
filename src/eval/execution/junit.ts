// Runs one test method with the JUnit Platform console launcher (Jupiter and, through the vintage
// engine, JUnit 4) under the JaCoCo agent, with a wall-clock timeout.
import * as path from 'node:path';
import { runProcess, type Toolchain } from './toolchain';

/** Short-lived JVMs: C1 only and the serial collector cut start-up CPU time (JVMs here live seconds). */
export const FAST_JVM = ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC'];

export interface JUnitRun {
  status: 'passed' | 'failed' | 'timeout' | 'not_found' | 'error';
  succeeded: number;
  failed: number;
  message?: string; // first failure line
  log: string; // tail of the output
  ms: number;
}

/** The launcher's summary counters: "[   3 tests successful   ]". */
export function summaryCount(output: string, what: string): number {
  const m = new RegExp(`\\[\\s*(\\d+) tests ${what}\\s*\\]`).exec(output);
  return m ? Number(m[1]) : 0;
}

function failureMessage(output: string): string | undefined {
  const lines = output.split('\n');
  const i = lines.findIndex((l) => /=>\s+\S/.test(l));
  if (i >= 0) return lines[i].replace(/^.*=>\s*/, '').trim().slice(0, 300);
  const ex = lines.find((l) => /(Error|Exception)(:|$)/.test(l));
  return ex?.trim().slice(0, 300);
}

export async function runTestMethod(
  tc: Toolchain,
  opts: { classpath: string[]; testClass: string; method: string; execFile: string; timeoutMs: number; cwd: string },
): Promise<JUnitRun> {
  const args = [
    `-javaagent:${tc.jacocoAgent}=destfile=${opts.execFile}`,
    '-Djava.awt.headless=true',
    ...FAST_JVM,
    '-jar',
    tc.junit5Console,
    '--disable-banner',
    '--details=tree',
    '--disable-ansi-colors',
    '--fail-if-no-tests',
    '--class-path',
    opts.classpath.join(path.delimiter),
    `--select-method=${opts.testClass}#${opts.method}`,
  ];
  const r = await runProcess(tc.java, args, { timeoutMs: opts.timeoutMs, cwd: opts.cwd });
  const out = r.stdout + r.stderr;
  const log = out.slice(-4000);
  const succeeded = summaryCount(out, 'successful');
  const failed = summaryCount(out, 'failed') + summaryCount(out, 'aborted');
  if (r.timedOut) return { status: 'timeout', succeeded, failed, message: `killed after ${opts.timeoutMs} ms`, log, ms: r.ms };
  if (r.code === 0 && succeeded > 0) return { status: 'passed', succeeded, failed, log, ms: r.ms };
  if (failed > 0) return { status: 'failed', succeeded, failed, message: failureMessage(out), log, ms: r.ms };
  if (r.code === 2 || summaryCount(out, 'found') === 0) return { status: 'not_found', succeeded, failed, message: 'the launcher found no such test', log, ms: r.ms };
  return { status: 'error', succeeded, failed, message: failureMessage(out) ?? `exit code ${r.code}`, log, ms: r.ms };
}
