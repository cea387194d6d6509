// Rebuilds a focal Java file and a test Java file from one Methods2Test benchmark row, so that the
// golden test can re-render the row with buildTrainingPair and compare byte for byte. The focal
// method, signatures, fields and the test method are taken from the row; other members get empty
// bodies. Returns one candidate per way of splitting the focal part (the focal method may contain
// blank lines, so where it ends is not known up front).
export interface BenchRow {
  id: string;
  source: string;
  target: string;
}

export interface Rebuilt {
  focal: string;
  focalLine: number; // 0-based line of the focal method
  test: string;
  testMethodName: string;
}

function indentOf(methodText: string): string {
  const last = methodText.slice(methodText.lastIndexOf('\n') + 1);
  return last.slice(0, -1);
}

/** Splits a block of `<indent><entry>;` lines (entries may span lines) into entries without ';'. */
function entries(block: string, indent: string): string[] {
  if (!block.startsWith(indent)) return [];
  return block
    .slice(indent.length)
    .split(`;\n${indent}`)
    .map((e, i, a) => (i === a.length - 1 ? e.replace(/;$/, '') : e));
}

export function rebuild(row: BenchRow): Rebuilt[] {
  const full = row.source + row.target;
  const split = full.search(/\n\n}\n\nclass /);
  if (split < 0) return [];
  const focalPart = full.slice(0, split);
  const testPart = full.slice(split + 5);
  const tHeaderEnd = testPart.indexOf(' {\n\n');
  // `class FooTest  {`: the test class extended something the focal class does not (see context.ts)
  const testHeader = testPart.slice(0, tHeaderEnd).replace(/^(class \w+) $/, '$1 extends junit.framework.TestCase');
  const testBody = testPart.slice(tHeaderEnd + 4, -3); // without the final "\n\n}"
  // the test indent from the test method's last line; the fields block ends at the last blank line of the source
  const methodText0 = testBody;
  const tLast = row.target.slice(0, -3);
  const tInd = indentOf(tLast);
  const srcTest = row.source.slice(split + 5 + tHeaderEnd + 4);
  const fieldsEnd = srcTest.lastIndexOf('\n\n');
  const fieldsBlock = fieldsEnd >= 0 ? srcTest.slice(0, fieldsEnd) : '';
  const testMethod = methodText0.slice(fieldsBlock ? fieldsBlock.length + 2 : 0);
  if (!testMethod.startsWith(tInd)) return [];
  const testMethodRaw = testMethod.slice(tInd.length);
  const fields = fieldsBlock ? entries(fieldsBlock, tInd) : [];
  const nameMatch = /(\w+)\s*\(/.exec(testMethodRaw.replace(/@\w+(\.\w+)*(\([^)]*\))?/g, ''));
  if (!nameMatch) return [];
  const test = `${testHeader} {\n${fields.map((f) => `${f};\n`).join('')}${testMethodRaw}\n}\n`;

  const fHeaderEnd = focalPart.indexOf(' {\n\n');
  const focalHeader = focalPart.slice(0, fHeaderEnd);
  let body = focalPart.slice(fHeaderEnd + 4);
  if (fieldsBlock) {
    if (!body.endsWith(`\n\n${fieldsBlock}`)) return [];
    body = body.slice(0, -(fieldsBlock.length + 2));
  }
  const pieces = body.split('\n\n');
  const out: Rebuilt[] = [];
  for (let k = 0; k <= Math.min(2, pieces.length - 1); k++) {
    const fm = pieces.slice(0, pieces.length - k).join('\n\n');
    // a one-line method is rendered as <line minus last char><line>: its indent is half of it
    const ind = fm.includes('\n') ? indentOf(fm) : fm.slice(0, (fm.length - 1) / 2);
    if (!fm.startsWith(ind)) continue;
    const flat = (x: string) => x.replace(/\s+/g, ' ').trim();
    const fmHead = flat(fm.slice(ind.length).split('{')[0]);
    // a focal constructor is listed among the constructors too: do not declare it twice
    const sigs = pieces.slice(pieces.length - k).flatMap((p) => entries(p, ind)).filter((e) => flat(e) !== fmHead);
    const headerLines = focalHeader.split('\n').length;
    const focal = `${focalHeader} {\n${fm.slice(ind.length)}\n${sigs.map((s) => `${s} {}\n`).join('')}}\n`;
    out.push({ focal, focalLine: headerLines, test, testMethodName: nameMatch[1] });
  }
  return out;
}
