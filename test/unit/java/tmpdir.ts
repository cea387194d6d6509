// Temporary project trees for tests: write files from a { path: text } map, remove afterwards.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export function makeTree(files: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'testtune-java-'));
  for (const [rel, text] of Object.entries(files)) {
    const p = path.join(root, rel);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, text);
  }
  return root;
}

export function removeTree(root: string): void {
  fs.rmSync(root, { recursive: true, force: true });
}

/** A `tree(files)` maker for one describe block; every tree it made is removed after the block. */
export function treesRemovedAfter(): (files: Record<string, string>) => string {
  const roots: string[] = [];
  after(() => roots.forEach(removeTree));
  return (files) => {
    const r = makeTree(files);
    roots.push(r);
    return r;
  };
}
