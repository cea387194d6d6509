// The miner's report: what was seen, what was emitted, and every skip with its reason.

export type SkipReason =
  | 'parse error'
  | 'file too large'
  | 'no focal class'
  | 'ambiguous focal class'
  | 'no focal method'
  | 'ambiguous call'
  | 'ambiguous overload'
  | 'render error'
  | 'duplicate'
  | 'disabled';

export interface MineSkip {
  test_path: string;
  test_class?: string;
  test_case?: string;
  reason: SkipReason;
  detail: string;
}

export interface MineReport {
  repository: string;
  files: number; // .java files read
  parseErrors: number; // files with syntax errors
  testClasses: number;
  testMethods: number;
  pairs: number; // records emitted
  skipCounts: Partial<Record<SkipReason, number>>;
  skips: MineSkip[];
  seconds?: number;
}

export function emptyReport(repository: string): MineReport {
  return { repository, files: 0, parseErrors: 0, testClasses: 0, testMethods: 0, pairs: 0, skipCounts: {}, skips: [] };
}

export function countSkip(report: MineReport, skip: MineSkip): void {
  report.skips.push(skip);
  report.skipCounts[skip.reason] = (report.skipCounts[skip.reason] ?? 0) + 1;
}

/** Adds `r` into `total` (skips are concatenated). */
export function mergeReports(total: MineReport, r: MineReport): void {
  total.files += r.files;
  total.parseErrors += r.parseErrors;
  total.testClasses += r.testClasses;
  total.testMethods += r.testMethods;
  total.pairs += r.pairs;
  for (const [k, v] of Object.entries(r.skipCounts)) total.skipCounts[k as SkipReason] = (total.skipCounts[k as SkipReason] ?? 0) + (v ?? 0);
  for (const s of r.skips) total.skips.push(s);
}

/** A short human-readable summary; `maxSkips` lines of individual skips. */
export function formatReport(r: MineReport, maxSkips = 20): string {
  const lines = [
    `${r.repository}: ${r.files} Java files (${r.parseErrors} with syntax errors), ${r.testClasses} test classes, ` +
      `${r.testMethods} test methods → ${r.pairs} pairs${r.seconds !== undefined ? ` in ${r.seconds.toFixed(1)} s` : ''}`,
  ];
  const counts = Object.entries(r.skipCounts).sort((a, b) => (b[1] ?? 0) - (a[1] ?? 0));
  if (counts.length) lines.push(`skipped: ${counts.map(([k, v]) => `${v} ${k}`).join(', ')}`);
  for (const s of r.skips.slice(0, maxSkips)) {
    lines.push(`  ${s.reason}: ${s.test_path}${s.test_case ? `#${s.test_case}` : ''}: ${s.detail}`);
  }
  if (r.skips.length > maxSkips) lines.push(`  … ${r.skips.length - maxSkips} more (see the JSON report)`);
  return lines.join('\n');
}
