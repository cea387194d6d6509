// Evaluation rows: a JSONL where each line holds the prompt (`source` or `prompt`), the reference
// test body (`target` or `reference`) and the model output (`prediction` and/or the study's
// repaired `fixed_prediction`); for execution also `focal_file` (or `focal_path`, as `testtune mine` writes it: path in the project) and
// optionally `test_method` (a complete method). Reading never throws on a bad line: the line is
// reported and skipped, everything else is kept.
import * as fs from 'node:fs';

export interface EvalRow {
  id: string;
  source?: string;
  target?: string;
  prediction?: string;
  fixedPrediction?: string;
  focalFile?: string;
  testMethod?: string;
}

export interface ReadResult {
  rows: EvalRow[];
  errors: string[];
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

export function parseRows(text: string, where = 'input'): ReadResult {
  const rows: EvalRow[] = [];
  const errors: string[] = [];
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    let o: Record<string, unknown>;
    try {
      o = JSON.parse(line) as Record<string, unknown>;
    } catch (e) {
      errors.push(`${where}:${i + 1}: not JSON (${(e as Error).message})`);
      return;
    }
    if (typeof o !== 'object' || o === null || Array.isArray(o)) {
      errors.push(`${where}:${i + 1}: not a JSON object`);
      return;
    }
    const row: EvalRow = {
      id: str(o.id) ?? (typeof o.id === 'number' ? String(o.id) : String(rows.length)),
      source: str(o.source) ?? str(o.prompt),
      target: str(o.target) ?? str(o.reference),
      prediction: str(o.prediction),
      fixedPrediction: str(o.fixed_prediction),
      focalFile: str(o.focal_file) ?? str(o.focal_path), // `testtune mine` writes focal_path
      testMethod: str(o.test_method),
    };
    rows.push(row);
  });
  return { rows, errors };
}

export function readRows(file: string): ReadResult {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    return { rows: [], errors: [`cannot read ${file}: ${(e as Error).message}`] };
  }
  return parseRows(text, file);
}

