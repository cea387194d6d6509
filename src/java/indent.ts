// Indentation of an inserted test method: the target file's unit (tabs or N spaces, read from the
// class's members) and a re-indentation of the method by its bracket structure. The model's own
// leading whitespace is not trusted (it is often inconsistent: an unindented signature with a body
// indented as in its source class, tabs in a file indented with spaces), so every line's indent is
// recomputed from the brackets and statements before it. Lines that start inside a text block are
// kept byte for byte: their whitespace is part of the string's value. Never throws.

export interface Indentation {
  member: string; // the indentation of a member of the class (one unit for a top-level class)
  unit: string; // one level: '\t' or N spaces
}

/** New files and classes without an indented member: four spaces. */
export const DEFAULT_INDENTATION: Indentation = { member: '    ', unit: '    ' };

/**
 * The indentation of `text`'s class members, given the offsets where its members start. The most
 * common leading whitespace among members that begin their line wins; a tab in it makes the unit a tab.
 */
export function detectIndentation(text: string, memberStarts: readonly number[]): Indentation {
  const counts = new Map<string, number>();
  for (const start of memberStarts) {
    const lineStart = text.lastIndexOf('\n', start - 1) + 1;
    const leading = text.slice(lineStart, start);
    if (leading !== '' && /^[ \t]+$/.test(leading)) counts.set(leading, (counts.get(leading) ?? 0) + 1);
  }
  let best = '';
  for (const [leading, n] of counts) if (n > (counts.get(best) ?? 0)) best = leading;
  if (best === '') return DEFAULT_INDENTATION;
  return { member: best, unit: best.includes('\t') ? '\t' : best };
}

type Opener = '{' | '(' | '[';
const CLOSER_OF: Record<string, Opener> = { '}': '{', ')': '(', ']': '[' };

/** Lexer state carried from one line to the next. */
interface LineState {
  stack: Opener[]; // open brackets
  inBlockComment: boolean;
  inTextBlock: boolean;
  lastCode: string; // the last character of code (not comment) on the previous code line, '' at the start
  lastWasAnnotation: boolean; // the previous code line held only annotations
}

/** Scans one line, updating `state`; returns the line's code with comments removed (strings kept). */
function scanLine(line: string, state: LineState): string {
  let code = '';
  let i = 0;
  while (i < line.length) {
    if (state.inTextBlock) {
      if (line[i] === '\\') {
        i += 2;
        continue;
      }
      if (line.startsWith('"""', i)) {
        state.inTextBlock = false;
        code += '"""';
        i += 3;
        continue;
      }
      i++;
      continue;
    }
    if (state.inBlockComment) {
      const end = line.indexOf('*/', i);
      if (end < 0) return code;
      state.inBlockComment = false;
      i = end + 2;
      continue;
    }
    const ch = line[i];
    if (line.startsWith('//', i)) break;
    if (line.startsWith('/*', i)) {
      state.inBlockComment = true;
      i += 2;
      continue;
    }
    if (line.startsWith('"""', i)) {
      state.inTextBlock = true;
      code += '"""';
      i += 3;
      continue;
    }
    if (ch === '"' || ch === "'") {
      // a string or char literal ends on its line (an unterminated one ends with the line)
      let j = i + 1;
      while (j < line.length && line[j] !== ch) j += line[j] === '\\' ? 2 : 1;
      code += line.slice(i, Math.min(j + 1, line.length));
      i = j + 1;
      continue;
    }
    if (ch === '{' || ch === '(' || ch === '[') state.stack.push(ch);
    else if (ch in CLOSER_OF) {
      const at = state.stack.lastIndexOf(CLOSER_OF[ch]);
      if (at >= 0) state.stack.length = at; // an unbalanced closer closes what it matches
    }
    code += ch;
    i++;
  }
  return code;
}

/** The nesting level of a line (`trimmed`: its text without leading whitespace) at `state`; closers at its start count. */
function levelOf(state: LineState, trimmed: string): number {
  const stack = state.stack.slice();
  let k = 0;
  while (k < trimmed.length && (trimmed[k] in CLOSER_OF || trimmed[k] === ' ' || trimmed[k] === '\t')) {
    if (trimmed[k] in CLOSER_OF) {
      const at = stack.lastIndexOf(CLOSER_OF[trimmed[k]]);
      if (at >= 0) stack.length = at;
    }
    k++;
  }
  const braces = stack.filter((b) => b === '{').length;
  const top = stack[stack.length - 1];
  const insideParens = top === '(' || top === '[';
  // a statement that did not end on the previous code line continues here (`.thenReturn(...)`, `+ "b"`)
  const unfinished =
    state.lastCode !== '' && !';{}:'.includes(state.lastCode) && !state.lastWasAnnotation && !trimmed.startsWith('{') && k === 0;
  return braces + (insideParens || unfinished ? 1 : 0);
}

/** Remembers how a line's code ended, for the next line's continuation test. */
function noteCode(code: string, state: LineState, depthBefore: number): void {
  if (code === '') return;
  state.lastCode = code[code.length - 1];
  state.lastWasAnnotation = code.startsWith('@') && state.stack.length === depthBefore && !';}'.includes(state.lastCode);
}

/**
 * A multi-line method whose closing brace ends a statement line (`assertEquals(1, x);}`, as models often
 * write it) gets that brace on a line of its own, so it lines up with the signature.
 */
function splitClosingBrace(lines: string[]): string[] {
  const last = lines[lines.length - 1];
  const code = last.trim();
  if (lines.length < 2 || code === '}' || !code.endsWith('}')) return lines;
  const state: LineState = { stack: [], inBlockComment: false, inTextBlock: false, lastCode: '', lastWasAnnotation: false };
  for (const line of lines.slice(0, -1)) scanLine(line, state);
  // the body's `{` must be open on an earlier line (a one-line body stays as written)
  if (!state.stack.includes('{') || state.inBlockComment) return lines;
  const cut = last.lastIndexOf('}');
  return [...lines.slice(0, -1), last.slice(0, cut).replace(/\s+$/, ''), '}'];
}

/**
 * Re-indents one method so that its signature (and annotations) sit at `member` and each nested level
 * adds `unit`. Lines are joined with '\n'; blank lines become empty; text-block contents are unchanged.
 */
export function reindentMethod(method: string, indentation: Indentation = DEFAULT_INDENTATION): string {
  const lines = splitClosingBrace(method.replace(/\r\n?/g, '\n').replace(/\s+$/, '').split('\n'));
  const state: LineState = { stack: [], inBlockComment: false, inTextBlock: false, lastCode: '', lastWasAnnotation: false };
  const out: string[] = [];
  for (const line of lines) {
    if (state.inTextBlock) {
      out.push(line); // inside the literal: its whitespace is the string's value
      noteCode(scanLine(line, state).trim(), state, state.stack.length);
      continue;
    }
    const trimmed = line.trim();
    if (trimmed === '') {
      out.push('');
      continue;
    }
    const inComment = state.inBlockComment;
    const indent = indentation.member + indentation.unit.repeat(levelOf(state, inComment ? '' : trimmed));
    out.push(indent + (inComment && trimmed.startsWith('*') ? ' ' : '') + trimmed);
    const depthBefore = state.stack.length;
    noteCode(scanLine(line, state).trim(), state, depthBefore);
  }
  return out.join('\n');
}
