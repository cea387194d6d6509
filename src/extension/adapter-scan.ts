// Finds the adapters on disk (PEFT layout: a folder with adapter_config.json), so the picker can list
// them without starting the sidecar. Reads the method (peft_type), the date (training_report.json or
// the folder's mtime) and the evaluation score (an eval report beside the adapter). No `vscode`
// import; never throws: an unreadable folder is reported in `problems`.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

export interface FoundAdapter {
  name: string;
  dir: string;
  peftType: string; // LORA, IA3, PROMPT_TUNING, FULL, ...
  createdAt: string; // ISO
  score?: Record<string, number>;
  source: 'model' | 'workspace';
}

// judgement.json (`testtune finetune` and the fine-tune command: tests run on held-out methods) comes first
export const EVAL_REPORT_FILES = ['judgement.json', 'eval_report.json', 'evaluation.json', 'eval.json'];

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

function numbers(obj: unknown): Record<string, number> | undefined {
  if (!obj || typeof obj !== 'object') return undefined;
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(obj as Record<string, unknown>)) if (typeof v === 'number' && Number.isFinite(v)) out[k] = v;
  return Object.keys(out).length ? out : undefined;
}

/** The adapter's headline figures from an eval report: `{adapter: {...}}`, `{summary: {...}}` or flat numbers. */
export function readScore(dir: string): Record<string, number> | undefined {
  for (const f of EVAL_REPORT_FILES) {
    const j = readJson(path.join(dir, f)) as Record<string, unknown> | undefined;
    if (!j) continue;
    return numbers(j.adapter) ?? numbers(j.summary) ?? numbers(j);
  }
  return undefined;
}

export function isAdapterDir(dir: string): boolean {
  return existsSync(path.join(dir, 'adapter_config.json')) || existsSync(path.join(dir, 'model.safetensors'));
}

export function scanAdapters(roots: { dir: string; source: 'model' | 'workspace' }[]): { adapters: FoundAdapter[]; problems: string[] } {
  const adapters: FoundAdapter[] = [];
  const problems: string[] = [];
  for (const root of roots) {
    let names: string[];
    try {
      names = existsSync(root.dir) ? readdirSync(root.dir) : [];
    } catch (e) {
      problems.push(`cannot read ${root.dir}: ${e instanceof Error ? e.message : String(e)}`);
      continue;
    }
    for (const name of names.sort()) {
      if (name.startsWith('.')) continue; // hidden: an adapter still being written (`testtune finetune`'s .<name>.partial)
      const dir = path.join(root.dir, name);
      try {
        if (!statSync(dir).isDirectory() || !isAdapterDir(dir)) continue;
        const cfg = readJson(path.join(dir, 'adapter_config.json')) as Record<string, unknown> | undefined;
        const report = readJson(path.join(dir, 'training_report.json')) as Record<string, unknown> | undefined;
        const peftType = typeof cfg?.peft_type === 'string' ? cfg.peft_type : cfg ? 'UNKNOWN' : 'FULL';
        const createdAt =
          typeof report?.finishedAt === 'string' ? report.finishedAt : typeof report?.createdAt === 'string' ? report.createdAt : statSync(dir).mtime.toISOString();
        if (adapters.some((a) => a.name === name)) {
          problems.push(`adapter name ${name} appears twice; ${dir} is ignored`);
          continue;
        }
        adapters.push({ name, dir, peftType, createdAt, score: readScore(dir), source: root.source });
      } catch (e) {
        problems.push(`cannot read adapter ${dir}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  }
  return { adapters, problems };
}

const METHOD_NAMES: Record<string, string> = { LORA: 'LoRA', IA3: '(IA)³', PROMPT_TUNING: 'prompt tuning', FULL: 'full fine-tuning' };

/** One line for the picker: "LoRA · 2026-11-28 14:02 · CodeBLEU 0.41, syntax 98%". */
export function describeAdapter(a: FoundAdapter): string {
  const parts = [METHOD_NAMES[a.peftType] ?? a.peftType, a.createdAt.slice(0, 16).replace('T', ' ')];
  if (a.score) {
    const s = a.score;
    const figs: string[] = [];
    const pick = (keys: string[]) => keys.map((k) => s[k]).find((v) => v !== undefined);
    const bleu = pick(['codebleu', 'codeBleu', 'CodeBLEU']);
    const syn = pick(['syntaxValid', 'syntax', 'validSyntax', 'syntacticValidity']);
    const pass = pick(['passRate', 'pass', 'passed']);
    const focal = pick(['passesCallingFocal']);
    if (focal !== undefined) figs.push(`passes + runs focal ${(focal * 100).toFixed(0)}%`);
    if (bleu !== undefined) figs.push(`CodeBLEU ${bleu.toFixed(3)}`);
    if (syn !== undefined) figs.push(`syntax ${(syn <= 1 ? syn * 100 : syn).toFixed(0)}%`);
    if (pass !== undefined) figs.push(`pass ${(pass <= 1 ? pass * 100 : pass).toFixed(0)}%`);
    parts.push(figs.length ? figs.join(', ') : 'evaluated');
  } else parts.push('not evaluated');
  return parts.join(' · ');
}
