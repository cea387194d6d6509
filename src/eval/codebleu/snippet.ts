// What the syntax and dataflow matches need from one snippet, computed from a single parse of
// the comment-stripped text: the subtree S-expressions and the normalized data-flow edges.
import type { JavaParser } from '../../java/parser';
import { removeComments } from './comments';
import { dataFlow, normalizeDataFlow } from './dataflow-match';
import { subtreeSexps } from './syntax-match';
import { snapshot } from './tree';

export interface SnippetAnalysis {
  sexps: string[];
  dataflow: string[];
}

export function analyseSnippet(parser: JavaParser, code: string): SnippetAnalysis {
  const text = removeComments(code);
  const root = snapshot(parser, text);
  return { sexps: subtreeSexps(root), dataflow: normalizeDataFlow(dataFlow(root, text)) };
}
