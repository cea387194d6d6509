// Placement of a generated test method: one text edit that either creates the test file (package,
// imports, class, method) or inserts the method before the test class's closing brace, adds only the
// missing imports, renames the method on a name clash (testAdd -> testAdd2) and keeps every other
// byte. The result is parsed before it is returned. Never throws.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { javaParser, type SyntaxNode } from './parser';
import { members, syntaxErrorMessage, typeName } from './ast';
import { freeMethodName } from './context';
import { detectFramework, type Framework } from './framework';
import { applyMethodEdits, assertionStyle, styleEdits } from './assertion-style';
import { existingImports, missingImports, neededImports, type ImportNeed } from './imports';
import { classesIn, namedTypes, resolveType, singleTypeImports, sourceRootOf } from './type-imports';
import { DEFAULT_INDENTATION, detectIndentation, reindentMethod } from './indent';
import { declaredPackage, findTestLocation, type TestLocation } from './location';

export interface PlaceArgs {
  projectRoot: string;
  focalFile: string;
  focalSource: string;
  testMethod: string; // one complete method (annotations, signature, body)
  framework?: Framework;
  mockito?: boolean; // with `framework`: what the caller already detected (else detected here)
  testRootOverride?: string;
  location?: TestLocation; // where the test goes, when the caller already found it (else found here)
  existingTestText?: string; // the test file's current text (e.g. an unsaved editor buffer)
}

/** Errors after which a placement must not be applied (the rest are warnings). */
export function isFatalPlacementError(message: string): boolean {
  return /would not parse|not exactly one|no test class|not laid out/.test(message);
}

export interface TextEdit {
  offset: number; // UTF-16 offset into the old text
  deleteLength: number;
  insertText: string;
}

export interface Placement {
  path: string;
  created: boolean;
  text: string; // the full new file text
  edit: TextEdit;
  methodName: string;
  errors: string[];
}

function detectEol(text: string): string {
  return text.includes('\r\n') ? '\r\n' : '\n';
}

function renameMethod(method: SyntaxNode, newName: string): string {
  const name = method.childForFieldName('name');
  if (!name) return method.text;
  const s = name.startIndex - method.startIndex;
  return method.text.slice(0, s) + newName + method.text.slice(s + (name.endIndex - name.startIndex));
}

function readOrUndefined(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * Imports for the types the method names (type-imports.ts): resolved from the focal file's imports and
 * package, its main source root and the JDK table; the first need of a simple name wins.
 */
function typeNeeds(method: SyntaxNode, args: PlaceArgs, loc: TestLocation, style: 'junit3' | 'junit4' | 'junit5', mockito: boolean, existing: string | undefined): ImportNeed[] {
  const focalPackage = declaredPackage(args.focalSource);
  const mainRoot = sourceRootOf(args.focalFile, focalPackage) || undefined;
  const testPackageTypes = classesIn(path.dirname(loc.testFile));
  if (mainRoot) for (const c of classesIn(path.join(mainRoot, ...loc.packageName.split('.').filter(Boolean)))) testPackageTypes.add(c);
  const declared = new Set([loc.testClassName, ...[...(existing ?? '').matchAll(/\b(?:class|interface|enum|record)\s+([\w$]+)/g)].map((m) => m[1])]);
  const ctx = { focalImports: singleTypeImports(args.focalSource), focalPackage, focalPackageTypes: classesIn(path.dirname(args.focalFile)), testPackage: loc.packageName, testPackageTypes, declared, mainRoot, framework: style, mockito };
  const out: ImportNeed[] = [];
  for (const name of namedTypes(method)) {
    const qualified = resolveType(name, ctx);
    if (qualified) out.push({ text: `import ${qualified};`, name, pkg: qualified.slice(0, qualified.lastIndexOf('.')), isStatic: false });
  }
  return out;
}

/** Computes where and how the test method goes. */
export async function placeTest(args: PlaceArgs): Promise<Placement> {
  const errors: string[] = [];
  const loc = args.location ?? findTestLocation(args.projectRoot, args.focalFile, { testRootOverride: args.testRootOverride });
  if (!args.location) errors.push(...loc.errors.filter((e) => !e.startsWith('cannot read'))); // the focal text is given
  const existing = args.existingTestText ?? (loc.exists ? readOrUndefined(loc.testFile) : undefined);
  const fw = args.framework !== undefined && args.mockito !== undefined ? { framework: args.framework, mockito: args.mockito } : detectFramework(args.projectRoot, existing);
  const framework = args.framework ?? fw.framework;
  const parser = await javaParser();
  const empty: Placement = { path: loc.testFile, created: existing === undefined, text: existing ?? '', edit: { offset: 0, deleteLength: 0, insertText: '' }, methodName: '', errors };

  // the method, parsed in a wrapper class; then put in the test class's assertion style (assertion-style.ts)
  const style = assertionStyle(existing, framework);
  let wrapped = parser.parse(`class __W {\n${args.testMethod.replace(/\r\n?/g, '\n')}\n}\n`);
  const first = wrapped.rootNode.namedChildren.find((c) => c?.type === 'class_declaration');
  const firstMethods = first ? members(first).filter((m) => m.type === 'method_declaration') : [];
  if (firstMethods.length === 1 && !syntaxErrorMessage(wrapped.rootNode)) {
    const { edits } = styleEdits(firstMethods[0], style);
    if (edits.length) {
      const styled = applyMethodEdits(firstMethods[0].text, edits);
      wrapped.delete();
      wrapped = parser.parse(`class __W {\n${styled}\n}\n`);
    }
  }
  const existingTree = existing !== undefined ? parser.parse(existing) : undefined;
  try {
    const wrapDecl = wrapped.rootNode.namedChildren.find((c) => c?.type === 'class_declaration');
    const methods = wrapDecl ? members(wrapDecl).filter((m) => m.type === 'method_declaration') : [];
    if (methods.length !== 1 || syntaxErrorMessage(wrapped.rootNode)) {
      return { ...empty, errors: [...errors, 'the test code is not exactly one complete, parseable method'] };
    }
    const method = methods[0];
    const focalPackage = declaredPackage(args.focalSource);
    const focalClass = path.basename(args.focalFile).replace(/\.java$/, '');
    const needs = [...typeNeeds(method, args, loc, style, fw.mockito, existing), ...neededImports(method, { framework, mockito: fw.mockito, focalClass, focalPackage, testPackage: loc.packageName })].filter(
      // JUnit 3: no org.junit imports (the jar may not have them; TestCase has the assertions)
      (n) => style !== 'junit3' || !/^org\.junit(\.|$)/.test(n.pkg),
    );
    const wanted = method.childForFieldName('name')?.text ?? 'test';

    if (existingTree === undefined || existing === undefined) {
      const missing = missingImports(needs, { exact: new Set(), wildcard: new Set(), simpleNames: new Set() });
      const vis = framework === 'junit4' ? 'public ' : '';
      const head = loc.packageName ? `package ${loc.packageName};\n\n` : '';
      const imports = missing.length ? `${missing.map((m) => m.text).sort().join('\n')}\n\n` : '';
      const text = `${head}${imports}${vis}class ${loc.testClassName} {\n\n${reindentMethod(method.text, DEFAULT_INDENTATION)}\n}\n`;
      const check = parser.parse(text);
      const err = syntaxErrorMessage(check.rootNode);
      check.delete();
      if (err) errors.push(`the new test file would not parse: ${err}`);
      return { path: loc.testFile, created: true, text, edit: { offset: 0, deleteLength: 0, insertText: text }, methodName: wanted, errors };
    }

    const before = syntaxErrorMessage(existingTree.rootNode);
    if (before) errors.push(`the existing test file has ${before}`);
    const classes = existingTree.rootNode.namedChildren.filter((c): c is SyntaxNode => !!c && c.type === 'class_declaration');
    const decl = classes.find((c) => typeName(c) === loc.testClassName) ?? classes[0];
    const body = decl?.childForFieldName('body');
    if (!decl || !body || body.lastChild?.type !== '}' || body.lastChild.isMissing) {
      return { ...empty, created: false, errors: [...errors, 'no test class with a closing brace found in the test file'] };
    }
    const taken = new Set(members(decl).filter((m) => m.type === 'method_declaration').map((m) => m.childForFieldName('name')?.text ?? ''));
    const methodName = freeMethodName(wanted, taken);
    const methodText = methodName === wanted ? method.text : renameMethod(method, methodName);
    const eol = detectEol(existing);
    const indentation = detectIndentation(existing, members(decl).map((m) => m.startIndex));

    // where the method goes: the start of the closing brace's line when the brace is alone on it
    const brace = body.lastChild.startIndex;
    const lineStart = existing.lastIndexOf('\n', brace - 1) + 1;
    const aloneOnLine = /^[ \t]*$/.test(existing.slice(lineStart, brace)) && lineStart > body.startIndex;
    const block = reindentMethod(methodText, indentation).split('\n').join(eol);
    let insertAt: number;
    let methodInsert: string;
    if (aloneOnLine) {
      insertAt = lineStart;
      const prevLine = existing.slice(existing.lastIndexOf('\n', lineStart - 2) + 1, lineStart).trim();
      const needBlank = prevLine !== '' && prevLine !== '{' && !prevLine.endsWith('{');
      methodInsert = `${needBlank ? eol : ''}${block}${eol}`;
    } else {
      insertAt = brace;
      methodInsert = `${eol}${block}${eol}`;
    }

    // imports go after the last import, else after the package declaration, else at the top
    const declared = new Set(taken);
    const missing = missingImports(needs, existingImports(existingTree.rootNode), declared);
    const inserts: { at: number; text: string }[] = [];
    if (missing.length) {
      const top = existingTree.rootNode.namedChildren.filter((c): c is SyntaxNode => !!c && (c.type === 'import_declaration' || c.type === 'package_declaration'));
      const imports = top.filter((c) => c.type === 'import_declaration');
      const isStatic = (c: SyntaxNode): boolean => /^import\s+static\b/.test(c.text);
      const pkg = top.find((c) => c.type === 'package_declaration');
      // plain imports after the last plain import, static ones after the last static import
      for (const group of [missing.filter((m) => !m.isStatic), missing.filter((m) => m.isStatic)]) {
        if (!group.length) continue;
        const lines = group.map((m) => m.text).join(eol);
        const same = imports.filter((c) => isStatic(c) === group[0].isStatic).pop() ?? imports[imports.length - 1];
        if (same) inserts.push({ at: same.endIndex, text: `${eol}${lines}` });
        else if (pkg) inserts.push({ at: pkg.endIndex, text: `${eol}${eol}${lines}` });
        else inserts.push({ at: 0, text: `${lines}${eol}${eol}` });
      }
    }
    inserts.push({ at: insertAt, text: methodInsert });
    inserts.sort((a, b) => a.at - b.at);
    const start = inserts[0].at;
    if (inserts.some((i) => i.at > insertAt)) return { ...empty, created: false, errors: [...errors, 'imports would go after the class: the test file is not laid out as expected'] };
    let insertText = '';
    let pos = start;
    for (const i of inserts) {
      insertText += existing.slice(pos, i.at) + i.text;
      pos = i.at;
    }
    const edit: TextEdit = { offset: start, deleteLength: insertAt - start, insertText };
    const text = existing.slice(0, edit.offset) + edit.insertText + existing.slice(edit.offset + edit.deleteLength);
    if (!before) {
      const check = parser.parse(text);
      const err = syntaxErrorMessage(check.rootNode);
      check.delete();
      if (err) errors.push(`the edited test file would not parse: ${err}`);
    }
    return { path: loc.testFile, created: false, text, edit, methodName, errors };
  } finally {
    wrapped.delete();
    existingTree?.delete();
  }
}
