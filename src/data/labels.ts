// Scoring the miner against hand labels: precision (emitted pairs naming the right focal method)
// and recall (labelled test methods with a focal method that were emitted correctly).

export interface Label {
  repo: string;
  test_class: string; // qualified
  test_case: string;
  focal: string | null; // 'pkg.Class#method(Type, …)', or null when no single focal method exists
}

export interface Emitted {
  repo: string;
  test_class: string;
  test_case: string;
  focal: string;
}

export interface Score {
  labelled: number;
  labelledWithFocal: number;
  emitted: number;
  correct: number;
  precision: number;
  recall: number;
  wrong: { key: string; emitted: string; expected: string | null }[];
  missed: string[]; // labelled with a focal method but not emitted
  unlabelled: string[]; // emitted for a test method that has no label
}

export function parseLabels(text: string): { labels: Label[]; errors: string[] } {
  const labels: Label[] = [];
  const errors: string[] = [];
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    try {
      const o = JSON.parse(line) as Label;
      if (typeof o.repo !== 'string' || typeof o.test_class !== 'string' || typeof o.test_case !== 'string' || !(o.focal === null || typeof o.focal === 'string')) {
        errors.push(`line ${i + 1}: needs repo, test_class, test_case, focal`);
      } else labels.push(o);
    } catch (e) {
      errors.push(`line ${i + 1}: ${(e as Error).message}`);
    }
  });
  return { labels, errors };
}

const keyOf = (x: { repo: string; test_class: string; test_case: string }): string => `${x.repo}:${x.test_class}#${x.test_case}`;

export function scoreMappings(emitted: Emitted[], labels: Label[]): Score {
  const byKey = new Map(labels.map((l) => [keyOf(l), l]));
  const s: Score = {
    labelled: labels.length,
    labelledWithFocal: labels.filter((l) => l.focal !== null).length,
    emitted: 0,
    correct: 0,
    precision: 0,
    recall: 0,
    wrong: [],
    missed: [],
    unlabelled: [],
  };
  const hit = new Set<string>();
  for (const e of emitted) {
    const k = keyOf(e);
    const l = byKey.get(k);
    if (!l) {
      s.unlabelled.push(k);
      continue;
    }
    s.emitted++;
    if (l.focal === e.focal) {
      s.correct++;
      hit.add(k);
    } else s.wrong.push({ key: k, emitted: e.focal, expected: l.focal });
  }
  for (const l of labels) if (l.focal !== null && !hit.has(keyOf(l))) s.missed.push(keyOf(l));
  s.precision = s.emitted === 0 ? 0 : s.correct / s.emitted;
  s.recall = s.labelledWithFocal === 0 ? 0 : s.correct / s.labelledWithFocal;
  return s;
}
