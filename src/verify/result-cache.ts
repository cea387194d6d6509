// Verification results on disk, by content key (src/verify/verify.ts computes it), so that verifying
// the same candidate against the same classes again costs a file read. A file that cannot be read
// back is ignored (verified again), never an error.
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { VerifyResult } from './result';

function file(cacheDir: string, key: string): string {
  return path.join(cacheDir, 'results', key.slice(0, 2), `${key}.json`);
}

export function readCached(cacheDir: string, key: string): VerifyResult | undefined {
  try {
    const r = JSON.parse(fs.readFileSync(file(cacheDir, key), 'utf8')) as VerifyResult;
    return typeof r.status === 'string' ? r : undefined;
  } catch {
    return undefined;
  }
}

export function writeCached(cacheDir: string, key: string, result: VerifyResult): void {
  const f = file(cacheDir, key);
  try {
    fs.mkdirSync(path.dirname(f), { recursive: true });
    const tmp = `${f}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(result));
    fs.renameSync(tmp, f); // atomic: a concurrent reader sees the old file or the whole new one
  } catch {
    /* a cache that cannot be written only costs a re-run */
  }
}

/** A hash of the files under `dir` (relative paths, sizes, modification times); '' when it is missing. */
export function treeStamp(dir: string): string {
  const h = crypto.createHash('sha256');
  const walk = (d: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const e of entries) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) {
        const st = fs.statSync(p, { throwIfNoEntry: false });
        h.update(`${path.relative(dir, p)}\0${st?.size}\0${st?.mtimeMs}\n`);
      }
    }
  };
  walk(dir);
  return h.digest('hex').slice(0, 16);
}
