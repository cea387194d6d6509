// The state of a fine-tuning run folder (`run.json`: running, interrupted or done, with the step it
// reached) and the words the resume dialog uses for an unfinished one ("cancelled 5 minutes ago at
// step 40 of 120"). The step is the checkpoint's own (trainer_state.json), so the dialog never promises
// a resume that would restart at step 1. No `vscode` import; never throws.
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CHECKPOINT_DIR } from '../train/checkpoint';

export interface RunState {
  status: 'running' | 'interrupted' | 'done';
  method: string;
  adapterName: string;
  startedAt?: string; // ISO, when the run (or its last resume) started
  stoppedAt?: string; // ISO, when it was cancelled or failed
  finishedAt?: string; // ISO, when it completed
  stoppedBy?: 'cancel' | 'error'; // with status 'interrupted'
  step?: number; // the step reached when it stopped
  totalSteps?: number;
}

/** run.json, or undefined when absent or unreadable (an unreadable one is a run we cannot resume). */
export function readRunState(file: string): RunState | undefined {
  try {
    const j = JSON.parse(readFileSync(file, 'utf8')) as Partial<RunState>;
    if ((j.status !== 'running' && j.status !== 'interrupted' && j.status !== 'done') || typeof j.adapterName !== 'string') return undefined;
    return j as RunState;
  } catch {
    return undefined;
  }
}

export function writeRunState(file: string, state: RunState): void {
  writeFileSync(file, JSON.stringify(state, null, 2) + '\n');
}

export interface SavedCheckpoint {
  step: number;
  savedAt: Date;
}

/** The step and time of the checkpoint in an adapter's output folder; undefined when there is none. */
export function checkpointOf(adapterDir: string): SavedCheckpoint | undefined {
  const file = path.join(adapterDir, CHECKPOINT_DIR, 'trainer_state.json');
  try {
    if (!existsSync(file)) return undefined;
    const step = (JSON.parse(readFileSync(file, 'utf8')) as { optimizerStep?: unknown }).optimizerStep;
    if (typeof step !== 'number' || !Number.isInteger(step) || step < 1) return undefined;
    return { step, savedAt: statSync(file).mtime };
  } catch {
    return undefined;
  }
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const clock = (d: Date): string => `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;

/** "just now", "5 minutes ago", "3 hours ago", "yesterday at 14:05", "on 3 Dec at 14:05" (local time). */
export function relativeTime(then: Date, now: Date): string {
  const seconds = (now.getTime() - then.getTime()) / 1000;
  if (seconds < 45) return 'just now';
  if (seconds < 90) return 'a minute ago';
  if (seconds < 45 * 60) return `${Math.round(seconds / 60)} minutes ago`;
  if (seconds < 90 * 60) return 'an hour ago';
  const startOfToday = new Date(now.getFullYear(), now.getMonth(), now.getDate());
  if (then >= startOfToday) return `${Math.round(seconds / 3600)} hours ago`;
  const startOfYesterday = new Date(now.getFullYear(), now.getMonth(), now.getDate() - 1);
  if (then >= startOfYesterday) return `yesterday at ${clock(then)}`;
  const year = then.getFullYear() !== now.getFullYear() ? ` ${then.getFullYear()}` : '';
  return `on ${then.getDate()} ${MONTHS[then.getMonth()]}${year} at ${clock(then)}`;
}

export interface UnfinishedRun {
  label: string; // 'LoRA'
  status: 'running' | 'interrupted' | 'failed'; // 'running' in run.json: the editor closed (or crashed) during the run
  stoppedAt: Date;
  step: number; // the checkpoint's step
  totalSteps?: number;
}

/** The resume dialog's text: "The LoRA run was cancelled 5 minutes ago at step 40 of 120. Resume it from step 40?" */
export function describeUnfinishedRun(run: UnfinishedRun, now: Date): string {
  const how = run.status === 'interrupted' ? 'was cancelled' : run.status === 'failed' ? 'stopped with an error' : 'stopped when the editor closed';
  const of = run.totalSteps ? ` of ${run.totalSteps}` : '';
  return `The ${run.label} run ${how} ${relativeTime(run.stoppedAt, now)} at step ${run.step}${of}. Resume it from step ${run.step}, or start over?`;
}

/**
 * The unfinished run to offer for resuming: run.json says running or interrupted and the adapter folder
 * holds a checkpoint. The checkpoint's step and time win over run.json (the child process saves it
 * last); a run without a checkpoint has nothing to resume.
 */
export function unfinishedRun(state: RunState | undefined, adapterDir: string | undefined, label: string): UnfinishedRun | undefined {
  if (!state || state.status === 'done' || !adapterDir) return undefined;
  const ck = checkpointOf(adapterDir);
  if (!ck) return undefined;
  const stopped = state.stoppedAt ? new Date(state.stoppedAt) : ck.savedAt;
  return {
    label,
    status: state.status === 'interrupted' && state.stoppedBy === 'error' ? 'failed' : state.status,
    stoppedAt: Number.isNaN(stopped.getTime()) ? ck.savedAt : stopped,
    step: ck.step,
    totalSteps: state.totalSteps,
  };
}
