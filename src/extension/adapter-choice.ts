// Where a repository's fine-tuning lives and which adapter it uses, as plain data (no `vscode`): the
// adapters in `<workspace>/.testtune/adapters/<name>/` (PEFT layout) and the run folders beside them,
// and the choice in the workspace's `testtune.adapter` setting (`.vscode/settings.json`), so both are
// in the repository, where the user finds them and where an editor restart finds them again. Adapters
// of older versions (in the editor's per-workspace storage) are still listed and a pick stored there is
// still honoured until the next pick writes the setting.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { scanAdapters, type FoundAdapter } from './adapter-scan';

/** The workspace's TestTune folder (ignored by git through its own .gitignore). */
const WORKSPACE_DIR = '.testtune';
/** The setting's value for "the base model, no adapter" ('' means: not chosen, use the model's default). */
const BASE_MODEL_CHOICE = 'none';

export function workspaceAdaptersDir(workspaceRoot: string): string {
  return path.join(workspaceRoot, WORKSPACE_DIR, 'adapters');
}

export function workspaceRunsDir(workspaceRoot: string): string {
  return path.join(workspaceRoot, WORKSPACE_DIR, 'runs');
}

/**
 * Creates `<workspace>/.testtune/` with a .gitignore that ignores it (training data copies, checkpoints
 * and adapters do not belong in commits by default; delete the .gitignore to share an adapter).
 */
export function ensureWorkspaceDir(workspaceRoot: string): string {
  const dir = path.join(workspaceRoot, WORKSPACE_DIR);
  mkdirSync(dir, { recursive: true });
  const ignore = path.join(dir, '.gitignore');
  if (!existsSync(ignore)) writeFileSync(ignore, '# TestTune: fine-tuned adapters and training runs of this repository.\n# Remove this file to commit an adapter.\n*\n');
  return dir;
}

export interface AdapterRoots {
  modelDir?: string; // the model's own adapters/ folder
  workspaceRoots: readonly string[]; // each workspace folder
  legacyStorageDir?: string; // `<editor storage>/adapters` of older versions
}

/** Every adapter a workspace can use: the model's, then each workspace folder's, then the old storage's. */
export function findAdapters(roots: AdapterRoots): { adapters: FoundAdapter[]; problems: string[] } {
  const list: { dir: string; source: 'model' | 'workspace' }[] = [];
  if (roots.modelDir) list.push({ dir: path.join(roots.modelDir, 'adapters'), source: 'model' });
  for (const w of roots.workspaceRoots) list.push({ dir: workspaceAdaptersDir(w), source: 'workspace' });
  if (roots.legacyStorageDir) list.push({ dir: roots.legacyStorageDir, source: 'workspace' });
  return scanAdapters(list);
}

export interface ChoiceInputs {
  setting: string; // `testtune.adapter` as read ('' when unset)
  legacyPick?: string | null; // a pick stored by an older version in the editor's workspace state
  modelDefault: string | null; // adapters/default.json of the model
}

export interface AdapterChoice {
  name: string | null; // null: the base model
  source: 'setting' | 'earlier pick' | 'model default';
}

/** The adapter in use: the setting, else an older version's stored pick, else the model's default. */
export function resolveAdapterChoice(i: ChoiceInputs): AdapterChoice {
  const set = i.setting.trim();
  if (set) return { name: set === BASE_MODEL_CHOICE ? null : set, source: 'setting' };
  if (i.legacyPick !== undefined) return { name: i.legacyPick, source: 'earlier pick' };
  return { name: i.modelDefault, source: 'model default' };
}

/** The setting's value that records a pick. */
export function settingValueFor(name: string | null): string {
  return name ?? BASE_MODEL_CHOICE;
}
