// JSON Lines read leniently: a file of one object per line, where a line that is not JSON or not an
// object becomes a message naming the file and line and the other lines still count. Blank lines are
// skipped. Training pairs (src/train/data.ts) and documents (src/train/documents.ts) read through it.
import * as fs from 'node:fs';

export interface JsonlRow {
  /** 1-based line number, for messages. */
  line: number;
  value: Record<string, unknown>;
}

/** Every object line of `file`; an unreadable file or a bad line is a message, never a throw. */
export function readJsonlObjects(file: string): { rows: JsonlRow[]; errors: string[] } {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    return { rows: [], errors: [`cannot read ${file}: ${(e as Error).message}`] };
  }
  const rows: JsonlRow[] = [];
  const errors: string[] = [];
  text.split('\n').forEach((raw, i) => {
    if (!raw.trim()) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch (e) {
      errors.push(`${file}:${i + 1}: not JSON (${(e as Error).message})`);
      return;
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      errors.push(`${file}:${i + 1}: expected a JSON object`);
      return;
    }
    rows.push({ line: i + 1, value: parsed as Record<string, unknown> });
  });
  return { rows, errors };
}
