// Test files in the encodings and styles a real checkout has (UTF-8, UTF-8 with BOM, Latin-1 with
// accented letters, UTF-16 with BOM; LF or CRLF; tabs or spaces), for the insertion faults: inserting a
// test method must leave every existing byte as it was. Used by the fault suite and the soak.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeEditedSource, readSourceFile, type SourceEncoding } from '../../../src/java/encoding';
import { placeTest } from '../../../src/java/placement';

export interface EncodedCase {
  encoding: SourceEncoding;
  eol: '\n' | '\r\n';
  indent: string;
}

const ENCODINGS: SourceEncoding[] = ['utf8', 'utf8bom', 'latin1', 'utf16le'];

export function encodedCase(i: number, random: () => number): EncodedCase {
  return { encoding: ENCODINGS[i % ENCODINGS.length], eol: random() < 0.5 ? '\r\n' : '\n', indent: random() < 0.5 ? '\t' : '    ' };
}

/** The bytes of a test class in the case's encoding, with non-ASCII text where the encoding allows. */
export function testFileBytes(c: EncodedCase, random: () => number): Buffer {
  const accents = c.encoding === 'latin1' ? ['é', 'ü', 'ñ', 'ß', '£'] : ['é', 'ü', 'λ', '→', '日本'];
  const word = () => accents[Math.floor(random() * accents.length)];
  const i = c.indent;
  const lines = [
    'package com.example;',
    '',
    'import org.junit.jupiter.api.Test;',
    'import static org.junit.jupiter.api.Assertions.assertEquals;',
    '',
    `// Tests for the café ${word()} calculator`,
    'class CalcTest {',
    '',
    `${i}@Test`,
    `${i}void testExisting() {`,
    `${i}${i}String s = "${word()}${word()}";   `,
    `${i}${i}assertEquals(2, s.length() > 0 ? 2 : 0); // ${word()}`,
    `${i}}`,
    '}',
    '',
  ];
  const text = lines.join(c.eol);
  switch (c.encoding) {
    case 'utf8':
      return Buffer.from(text, 'utf8');
    case 'utf8bom':
      return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]);
    case 'latin1':
      return Buffer.from(text, 'latin1');
    case 'utf16le':
      return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    default:
      throw new Error(c.encoding);
  }
}

/** True when `after` is `before` with bytes inserted only (a greedy subsequence match). */
export function isSubsequence(before: Buffer, after: Buffer): boolean {
  let j = 0;
  for (let i = 0; i < after.length && j < before.length; i++) if (after[i] === before[j]) j++;
  return j === before.length;
}

/** Lays out a Maven-style project with the case's test file; returns the paths. */
export function makeProject(root: string, c: EncodedCase, random: () => number): { focal: string; test: string; before: Buffer } {
  const focal = path.join(root, 'src/main/java/com/example/Calc.java');
  const test = path.join(root, 'src/test/java/com/example/CalcTest.java');
  fs.mkdirSync(path.dirname(focal), { recursive: true });
  fs.mkdirSync(path.dirname(test), { recursive: true });
  fs.writeFileSync(path.join(root, 'pom.xml'), '<project><dependencies><dependency><artifactId>junit-jupiter</artifactId></dependency></dependencies></project>\n');
  fs.writeFileSync(focal, 'package com.example;\n\npublic class Calc {\n    public int add(int a, int b) {\n        return a + b;\n    }\n}\n');
  const before = testFileBytes(c, random);
  fs.writeFileSync(test, before);
  return { focal, test, before };
}

export const METHOD = '@Test\nvoid testAdd() {\n    assertEquals(7, new Calc().add(3, 4));\n}\n';

/** One insertion the way `testtune place` writes it: decode, place, write in the file's encoding. */
export async function insertOnce(root: string, focal: string, test: string, method = METHOD): Promise<{ error?: string }> {
  const decoded = readSourceFile(test);
  const p = await placeTest({ projectRoot: root, focalFile: focal, focalSource: fs.readFileSync(focal, 'utf8'), testMethod: method, existingTestText: decoded.text });
  if (p.errors.length) return { error: p.errors.join('; ') };
  return writeEditedSource(p.path, decoded, p.edit);
}
