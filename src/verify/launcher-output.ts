// The JUnit Platform console launcher's output (`--details=tree`) as data: how many tests passed,
// failed or were skipped, and the first failure: assertion (expected/actual in the JUnit 4, JUnit 5,
// Hamcrest and AssertJ forms) or exception (its class, message, stack, the test's line and the top
// frame in the focal class). Never throws.
export interface TestFailure {
  kind: 'assertion' | 'exception';
  message: string;
  expected?: string; // as the assertion printed it (strings unquoted for JUnit, quoted for Hamcrest/AssertJ)
  actual?: string;
  /** How `expected`/`actual` are written: JUnit prints raw toString, Hamcrest and AssertJ quote strings. */
  style?: 'junit' | 'hamcrest' | 'assertj';
  exceptionClass?: string;
  stack?: string; // the frames the launcher printed, one a line
  line?: number; // the test class's line the failure passed through (1-based)
  focalFrame?: { method: string; line?: number }; // the top frame in the focal class, when there is one
  /** The exception passed through the focal method on its way to the test (thrown by it or below it). */
  throughFocal?: boolean;
  /** The failure happened outside the test method (class-level setup or teardown). */
  classLevel?: boolean;
}

export interface LauncherSummary {
  found: number;
  succeeded: number;
  failed: number;
  aborted: number;
  skipped: number;
  containersFailed: number;
  failure?: TestFailure;
}

function count(output: string, what: string): number {
  const m = new RegExp(`\\[\\s*(\\d+) ${what}\\s*\\]`).exec(output);
  return m ? Number(m[1]) : 0;
}

const ASSERTION_CLASS = /(AssertionError|AssertionFailedError|ComparisonFailure|MultipleFailuresError)$/;
const FRAME = /^\s+([\w$.]+)\.([\w$<>]+)\(([^)]*)\)\s*$/;

/** expected/actual out of an assertion message, in the forms JUnit 4/5, Hamcrest and AssertJ print. */
export function expectedActual(message: string): Pick<TestFailure, 'expected' | 'actual' | 'style'> {
  // JUnit 5: "expected: <6> but was: <5>", maybe with "type@hash" before '<' when toStrings are equal.
  let m = /expected: (?:[\w.$]+@[0-9a-f]+)?<([\s\S]*)> but was: (?:[\w.$]+@[0-9a-f]+)?<([\s\S]*)>\s*$/.exec(message);
  if (m) return { expected: m[1], actual: m[2], style: 'junit' };
  // JUnit 4: "expected:<6> but was:<5>"; ComparisonFailure marks the difference with [...].
  m = /expected:\s?(?:[\w.$]+)?<([\s\S]*)> but was:\s?(?:[\w.$]+)?<([\s\S]*)>\s*$/.exec(message);
  if (m) return { ...unmarkComparison(m[1], m[2]), style: 'junit' };
  // Hamcrest: "\nExpected: is \"y\"\n     but: was \"x\""
  m = /Expected: ([\s\S]*?)\n\s*but: was ([\s\S]*?)\s*$/.exec(message);
  if (m) return { expected: m[1].trim(), actual: m[2].trim(), style: 'hamcrest' };
  // AssertJ 3.2x: "\nexpected: \"y\"\n but was: \"x\""; older: "Expecting:\n <x>\nto be equal to:\n <y>"
  m = /expected: ([\s\S]*?)\n\s*but was: ([\s\S]*?)\s*$/.exec(message);
  if (m) return { expected: m[1].trim(), actual: m[2].trim(), style: 'assertj' };
  m = /Expecting(?: actual)?:\s*\n\s*<?([\s\S]*?)>?\s*\nto be equal to:\s*\n\s*<?([\s\S]*?)>?\s*\n(?:but was not\.|when comparing)/.exec(message);
  if (m) return { expected: m[2].trim(), actual: m[1].trim(), style: 'assertj' };
  return {};
}

/**
 * JUnit 4's ComparisonFailure prints the common prefix and suffix once and brackets the difference:
 * "expected:<a[b]c> but was:<a[x]c>". The markers sit right after the common displayed prefix and
 * right before the common displayed suffix; "..." means the text was shortened (actual unknown).
 */
function unmarkComparison(expected: string, actual: string): { expected?: string; actual?: string } {
  if (!expected.includes('[') || !actual.includes('[')) return { expected, actual };
  let p = 0;
  while (p < expected.length && p < actual.length && expected[p] === actual[p]) p++;
  let s = 0;
  while (s < expected.length - p && s < actual.length - p && expected[expected.length - 1 - s] === actual[actual.length - 1 - s]) s++;
  const open = p - 1;
  const closeE = expected.length - s;
  const closeA = actual.length - s;
  if (open < 0 || expected[open] !== '[' || expected[closeE] !== ']' || actual[closeA] !== ']') return { expected, actual };
  const strip = (t: string, close: number) => t.slice(0, open) + t.slice(open + 1, close) + t.slice(close + 1);
  const e = strip(expected, closeE);
  const a = strip(actual, closeA);
  const shortened = (t: string, close: number) => t.startsWith('...') || t.slice(close + 1).endsWith('...');
  return { expected: shortened(expected, closeE) ? undefined : e, actual: shortened(actual, closeA) ? undefined : a };
}

/** The first failure of the "Failures (n):" section; `testClass`/`focalClass` are binary names. */
export function parseLauncherOutput(output: string, opts: { testClass?: string; focalClass?: string; focalMethod?: string } = {}): LauncherSummary {
  const summary: LauncherSummary = {
    found: count(output, 'tests found'),
    succeeded: count(output, 'tests successful'),
    failed: count(output, 'tests failed'),
    aborted: count(output, 'tests aborted'),
    skipped: count(output, 'tests skipped'),
    containersFailed: count(output, 'containers failed'),
  };
  const lines = output.split(/\r?\n/);
  const start = lines.findIndex((l) => /^Failures \(\d+\):/.test(l));
  if (start < 0) return summary;
  const arrow = lines.findIndex((l, i) => i > start && /^\s+=> /.test(l));
  if (arrow < 0) return summary;
  const classLevel = !lines.slice(start, arrow).some((l) => /MethodSource \[/.test(l));
  // "=> pkg.SomeException: message" — the message may continue on lines until the first frame.
  const head = lines[arrow].replace(/^\s+=> /, '');
  const colon = head.indexOf(': ');
  const exceptionClass = (colon >= 0 ? head.slice(0, colon) : head).trim();
  const messageLines = [colon >= 0 ? head.slice(colon + 2) : ''];
  let i = arrow + 1;
  for (; i < lines.length && !FRAME.test(lines[i]) && !/^\s+\[\.\.\.\]/.test(lines[i]) && !/^\s+JUnit /.test(lines[i]) && lines[i].trim() !== ''; i++) messageLines.push(lines[i]);
  const frames: string[] = [];
  for (; i < lines.length && (FRAME.test(lines[i]) || /^\s+\[\.\.\.\]/.test(lines[i])); i++) frames.push(lines[i].trim());
  const message = messageLines.join('\n').trim();
  const failure: TestFailure = {
    kind: ASSERTION_CLASS.test(exceptionClass) ? 'assertion' : 'exception',
    message,
    exceptionClass,
    stack: frames.join('\n'),
  };
  if (classLevel) failure.classLevel = true;
  if (failure.kind === 'assertion') Object.assign(failure, expectedActual(message));
  for (const f of frames) {
    const m = FRAME.exec('  ' + f);
    if (!m) continue;
    const line = Number(/:(\d+)$/.exec(m[3])?.[1]) || undefined;
    const cls = m[1].replace(/\$\d+$/, '');
    if (opts.focalClass && cls === opts.focalClass && failure.line === undefined) {
      failure.focalFrame ??= { method: m[2], line };
      if (opts.focalMethod && (m[2] === opts.focalMethod || m[2].startsWith(`lambda$${opts.focalMethod}$`))) failure.throughFocal = true;
    }
    if (failure.line === undefined && opts.testClass && (cls === opts.testClass || cls.startsWith(opts.testClass + '$'))) failure.line = line;
  }
  summary.failure = failure;
  return summary;
}
