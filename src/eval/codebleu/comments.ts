// Comment removal as CodeBLEU does it before the syntax and dataflow matches (its
// remove_comments_and_docstrings for C-like languages): one regex that finds `//` comments,
// `/* */` comments and string/char literals (so comment markers inside literals are kept); each
// comment becomes a single space; then lines that are blank are dropped.
// Python's `//.*?$` under MULTILINE stops before the first "\n" only, hence `[^\n]*` here.
const PATTERN = /\/\/[^\n]*|\/\*[\s\S]*?\*\/|'(?:\\[\s\S]|[^\\'])*'|"(?:\\[\s\S]|[^\\"])*"/g;

export function removeComments(source: string): string {
  const replaced = source.replace(PATTERN, (m) => (m.startsWith('/') ? ' ' : m));
  return replaced
    .split('\n')
    .filter((line) => line.trim() !== '')
    .join('\n');
}
