// javac's diagnostics as data: file, line, message and, for "cannot find symbol" and its kin, the
// symbol's name (what a repair round forbids when it re-decodes). Never throws; lines it does not
// recognise are left out (the whole log still goes to the caller).
export interface CompileError {
  file: string;
  line: number; // 1-based, as javac prints it
  message: string;
  symbol?: string; // the missing or wrong name, e.g. 'getTotal' for "symbol: method getTotal()"
}

const HEAD = /^(.+?\.java):(\d+): error: (.*)$/;
// "  symbol:   method getTotal(int)" / "  symbol:   class Foo" / "  symbol: variable x"
const SYMBOL = /^\s*symbol:\s+(?:static\s+)?(?:method|variable|class|interface|enum|record|constructor|package|type)?\s*([\w$.]+)/;
// Messages that name the offending symbol in the first line.
const INLINE: RegExp[] = [
  /^package ([\w.]+) does not exist/,
  /^(\w+) has private access in /,
  /^(\w+)\(.*\) has private access in /,
  /^(\w+) is not public in /,
  /^method (\w+) in (?:class|interface|enum) \S+ cannot be applied/,
  /^constructor (\w+) in (?:class|enum) \S+ cannot be applied/,
  /^no suitable (?:method|constructor) found for (\w+)\(/,
  /^cannot assign a value to final variable (\w+)/,
  /^variable (\w+) is already defined/,
  /^variable (\w+) might not have been initialized/,
];

/** The errors of javac's output, in order (at most `limit`). */
export function parseJavacErrors(output: string, limit = 50): CompileError[] {
  const out: CompileError[] = [];
  const lines = output.split(/\r?\n/);
  for (let i = 0; i < lines.length && out.length < limit; i++) {
    const head = HEAD.exec(lines[i]);
    if (!head) continue;
    const err: CompileError = { file: head[1], line: Number(head[2]), message: head[3].trim() };
    for (const re of INLINE) {
      const m = re.exec(err.message);
      if (m) {
        err.symbol = m[1];
        break;
      }
    }
    // The detail lines (source line, caret, symbol, location) run until the next diagnostic.
    for (let j = i + 1; j < lines.length && !HEAD.exec(lines[j]) && !/^\d+ errors?$/.test(lines[j]); j++) {
      const sym = SYMBOL.exec(lines[j]);
      if (sym && !err.symbol) err.symbol = sym[1];
    }
    out.push(err);
  }
  return out;
}
