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
