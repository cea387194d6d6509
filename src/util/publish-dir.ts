// Cache folders that several processes may build at once (two editor windows, the CLI beside the
// editor, parallel `testtune finetune` runs on one project): each builder writes a private sibling
// folder and renames it into place, so nobody ever reads a half-built folder or deletes one another
// process is using; the first to finish wins and the others drop their copy.
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';

/** A private sibling name for `dest`: unique per process and call. */
export function privateSibling(dest: string): string {
  return `${dest}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
}

/**
 * Builds `dest` through `build(tmp)` in a private sibling and renames it into place. Returns true when
 * this call placed it, false when another process placed it first (then this copy is removed). A build
 * that throws leaves nothing behind and rethrows.
 */
export function publishDir(dest: string, build: (tmp: string) => void): boolean {
  const tmp = privateSibling(dest);
  try {
    build(tmp);
  } catch (e) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  return place(tmp, dest);
}

/** Renames the finished `tmp` to `dest` (atomic; fails when dest exists and is not empty: then tmp goes). */
function place(tmp: string, dest: string): boolean {
  try {
    fs.renameSync(tmp, dest);
    return true;
  } catch {
    fs.rmSync(tmp, { recursive: true, force: true });
    return false;
  }
}

/** `publishDir` for a build that runs a process (javac): the same private sibling and rename. */
export async function publishDirAsync(dest: string, build: (tmp: string) => Promise<void>): Promise<boolean> {
  const tmp = privateSibling(dest);
  try {
    await build(tmp);
  } catch (e) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  return place(tmp, dest);
}
