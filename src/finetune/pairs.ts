// Which mined repositories can be fine-tuned and judged, and the pairs located for judging: the
// messages a user sees when there is nothing (or too little) to learn from, and each record joined to
// the 0-based line of its focal method (the miner's mapping), which the generation pipeline selects by.
import type { Mapping, MineReport, PairRecord } from '../data/miner';

/** Fewer pairs than this cannot both train and leave held-out methods worth judging. */
export const MIN_PAIRS = 10;
/** Under this many pairs the repository is small: said plainly, with what to expect. */
export const SMALL_PAIRS = 100;
/** The validation share (of the training part, by test class) a small repository gets for early stopping: it overfits first. */
export const VALIDATION_SHARE = 0.15;

export type LocatedPair = PairRecord & { focal_line: number };

/** Why the mined repository cannot be fine-tuned and judged, or undefined when it can. */
export function whyNotEnoughPairs(report: Pick<MineReport, 'files' | 'parseErrors' | 'testClasses' | 'testMethods' | 'skipCounts'>, pairs: number): string | undefined {
  if (report.files === 0) return 'no .java files found (build output, .git and node_modules folders are not searched)';
  const unparsed = report.parseErrors ? `; ${report.parseErrors} of them do not parse and were skipped` : '';
  if (report.testClasses === 0) return `no test classes among ${report.files} Java files${unparsed}: fine-tuning learns from the repository's existing JUnit tests (FooTest for Foo)`;
  const skips = Object.entries(report.skipCounts)
    .filter(([, v]) => v > 0)
    .map(([k, v]) => `${v} ${k}`)
    .join(', ');
  if (pairs === 0) return `${report.testClasses} test classes, but none of their ${report.testMethods} test methods could be matched to the method it tests${skips ? ` (skipped: ${skips})` : ''}${unparsed}`;
  if (pairs < MIN_PAIRS) return `only ${pairs} (focal method, test) pairs: at least ${MIN_PAIRS} are needed to train on some test classes and judge on others${skips ? ` (skipped: ${skips})` : ''}`;
  return undefined;
}

/** What to expect from a small repository, or undefined when it is not small. */
export function smallRepositoryNote(pairs: number): string | undefined {
  if (pairs >= SMALL_PAIRS) return undefined;
  return `small repository: ${pairs} pairs (under ${SMALL_PAIRS}); expect few held-out methods, a wide interval and little change from training — a difference of one or two methods is within chance`;
}

/** The records joined to their focal method's line; a record without its mapping is left out. */
export function locatePairs(records: readonly PairRecord[], mappings: readonly Mapping[]): LocatedPair[] {
  const key = (r: { test_path: string; test_case: string; focal_path: string; focal_method: string }) => `${r.test_path}#${r.test_case}#${r.focal_path}#${r.focal_method}`;
  const lines = new Map(mappings.map((m) => [key(m), m.focal_line]));
  const out: LocatedPair[] = [];
  for (const r of records) {
    const line = lines.get(key(r));
    if (line !== undefined) out.push({ ...r, focal_line: line });
  }
  return out;
}
