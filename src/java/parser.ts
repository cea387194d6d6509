// The one place that loads tree-sitter and the Java grammar (web-tree-sitter, wasm).
// Works both from the esbuild bundle (wasm files copied next to dist/*.js) and from sources
// run by tsx/mocha (wasm files resolved in node_modules).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Language, Parser, Query } from 'web-tree-sitter';
import type { Node, Tree } from 'web-tree-sitter';

export type { Node as SyntaxNode, Tree as SyntaxTree } from 'web-tree-sitter';
export { Query };

let ready: Promise<JavaParser> | undefined;

const PARSE_CHUNK = 64 * 1024;

function describeSize(text: string): string {
  return text.length >= 1e6 ? `${(text.length / 1e6).toFixed(1)} M characters` : `${Math.ceil(text.length / 1000)} k characters`;
}

function locate(file: string): string {
  const candidates = [path.join(__dirname, file), path.join(__dirname, '..', file), path.join(__dirname, '..', '..', 'dist', file)];
  for (const c of candidates) if (fs.existsSync(c)) return c;
  try {
    // a computed name: esbuild would resolve a literal through its 'web-tree-sitter' -> .cjs alias and fail
    const pkg = 'web-tree-sitter';
    if (file === 'web-tree-sitter.wasm') return require.resolve(`${pkg}/web-tree-sitter.wasm`);
    if (file === 'tree-sitter-java.wasm') return path.join(path.dirname(require.resolve('tree-sitter-java/package.json')), file);
  } catch {
    /* fall through */
  }
  throw new Error(`cannot find ${file} (looked next to ${__dirname} and in node_modules)`);
}

/** A loaded Java parser. `parse` never throws: a tree with ERROR/MISSING nodes is still a tree. */
export class JavaParser {
  private constructor(readonly parser: Parser, readonly language: Language) {}

  static async load(): Promise<JavaParser> {
    await Parser.init({ locateFile: (name: string) => locate(name) });
    const language = await Language.load(fs.readFileSync(locate('tree-sitter-java.wasm')));
    const parser = new Parser();
    parser.setLanguage(language);
    return new JavaParser(parser, language);
  }

  parse(text: string): Tree {
    const tree = this.parser.parse(text);
    if (!tree) throw new Error('tree-sitter returned no tree'); // only on cancellation, which we never request
    return tree;
  }

  /**
   * Parses within a time budget: a parse still running after `budgetMs` is cancelled (tree-sitter's
   * progress callback) and reported, never waited for. Tree-sitter needs 15–40 s and 1 GB for 5 MB of
   * one long expression or of random bytes; in the extension host that would freeze the editor.
   * Never throws.
   */
  parseWithin(text: string, budgetMs: number): { tree?: Tree; error?: string } {
    const t0 = performance.now();
    let cancelled = false;
    try {
      // Text handed over in chunks: tree-sitter asks for the text from an offset on each read.
      const tree = this.parser.parse((index: number) => text.slice(index, index + PARSE_CHUNK), null, {
        progressCallback: () => (cancelled = performance.now() - t0 > budgetMs),
      });
      if (tree) return { tree };
    } catch (e) {
      this.parser.reset();
      return { error: `cannot parse: ${e instanceof Error ? e.message : String(e)}` };
    }
    this.parser.reset(); // a cancelled parse would otherwise resume on the next call
    return { error: cancelled ? `parsing took longer than ${(budgetMs / 1000).toFixed(1)} s and was stopped (${describeSize(text)}; is it generated or not Java?)` : 'tree-sitter returned no tree' };
  }

  query(source: string): Query {
    return new Query(this.language, source);
  }
}

/** The shared parser instance (loaded once per process). */
export function javaParser(): Promise<JavaParser> {
  ready ??= JavaParser.load();
  return ready;
}

/** True when the subtree holds an ERROR or MISSING node. */
export function hasSyntaxError(node: Node): boolean {
  return node.hasError || node.isMissing;
}
