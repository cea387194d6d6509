// The verifier's own Java helpers (the sandbox's security manager, the method-coverage reader): one
// source text compiled once into a cache folder. The folder is built in a private sibling and renamed
// into place (src/util/publish-dir.ts), so concurrent runs never load a half-written class file.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { publishDirAsync } from '../util/publish-dir';
import { runProcess } from '../util/process';

export interface HelperClass {
  dir: string; // the cache folder, e.g. <cacheDir>/sandbox-v1
  className: string; // the top-level class (and file) name
  source: string;
  javacArgs: string[]; // besides -nowarn, -d and the source file
  what: string; // for the error: "the sandbox class"
}

/** The folder holding `<className>.class`, compiling it first when missing; or why it did not compile. */
export async function compileHelperClass(javac: string, h: HelperClass): Promise<{ dir?: string; error?: string }> {
  if (fs.existsSync(path.join(h.dir, `${h.className}.class`))) return { dir: h.dir };
  if (fs.existsSync(h.dir)) fs.rmSync(h.dir, { recursive: true, force: true }); // left half-built by an older version
  const why = (detail: string) => `${h.what} did not compile: ${detail.trim().slice(0, 500)}`;
  try {
    await publishDirAsync(h.dir, async (tmp) => {
      fs.mkdirSync(tmp, { recursive: true });
      const src = path.join(tmp, `${h.className}.java`);
      fs.writeFileSync(src, h.source);
      const r = await runProcess(javac, [...h.javacArgs, '-nowarn', '-d', tmp, src], { timeoutMs: 120_000 });
      if (r.code !== 0) throw new Error(why(r.stderr || r.stdout));
    });
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    return { error: message.startsWith(h.what) ? message : why(message) };
  }
  return { dir: h.dir };
}
