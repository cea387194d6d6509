// `testtune context`: prints the focal context (the study's prompt format) of one method of a Java file.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CliCommand, UsageError, int, parseArgs, str } from '../command';
import { buildContext, CONTEXT_FORMATS, DEFAULT_FORMAT, isContextFormat } from '../../java/context';
import { readSourceFile } from '../../java/encoding';
import { detectFramework } from '../../java/framework';
import { findProjectRoot, findTestLocation } from '../../java/location';

const USAGE = `usage:
  testtune context <File.java> (--method <name> [--arity <n>] | --line <n>) [--format <format>]
                   [--test-file <TestFile.java>] [--framework junit4|junit5] [--project <dir>]

Prints the prompt for generating a test of one method, in the text format of the Methods2Test
benchmark's 'source' (it ends with the new test method's signature and '{').
  --line       1-based line inside the method; --method picks by name (--arity for overloads)
  --format     ${CONTEXT_FORMATS.join(' | ')} (default ${DEFAULT_FORMAT})
  --test-file  the existing test class to take fields from (default: found next to the sources)
  --project    project root (default: the outermost folder with pom.xml/build.gradle)`;

export function readJavaFile(file: string | undefined): string {
  if (!file) throw new UsageError(`a Java file is required\n\n${USAGE}`);
  if (!file.endsWith('.java')) throw new UsageError(`${file} is not a .java file`);
  if (!fs.existsSync(file)) throw new UsageError(`${file} does not exist`);
  try {
    return readSourceFile(file).text; // BOM, UTF-8 or Latin-1 (java/encoding.ts); a regular file of bounded size
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

export const command: CliCommand = {
  name: 'context',
  summary: 'print the focal context (prompt) of a method of a Java file',
  usage: USAGE,
  async run(argv) {
    const args = parseArgs(argv, { values: ['method', 'arity', 'line', 'format', 'test-file', 'framework', 'project'] });
    const file = args.positional[0];
    const source = readJavaFile(file);
    const name = str(args, 'method');
    const line = int(args, 'line');
    if ((name === undefined) === (line === undefined)) throw new UsageError('give exactly one of --method <name> or --line <n>');
    if (line !== undefined && line < 1) throw new UsageError('--line is 1-based');
    const format = str(args, 'format') ?? DEFAULT_FORMAT;
    if (!isContextFormat(format)) throw new UsageError(`unknown --format '${format}'; one of: ${CONTEXT_FORMATS.join(', ')}`);
    const fwOpt = str(args, 'framework');
    if (fwOpt !== undefined && fwOpt !== 'junit4' && fwOpt !== 'junit5') throw new UsageError('--framework is junit4 or junit5');
    const root = path.resolve(str(args, 'project') ?? findProjectRoot(file));

    let testFile = str(args, 'test-file');
    let testClassName: string | undefined;
    if (testFile === undefined) {
      const loc = findTestLocation(root, path.resolve(file));
      testClassName = loc.testClassName;
      if (loc.exists) testFile = loc.testFile;
    }
    const testSource = testFile !== undefined ? fs.readFileSync(testFile, 'utf8') : undefined;
    const framework = fwOpt ?? detectFramework(root, testSource).framework;
    const selector = name !== undefined ? { name, arity: int(args, 'arity') } : { line: line! - 1 };
    const r = await buildContext(source, selector, { format, testSource, testClassName, framework });
    for (const e of r.errors) console.error(`testtune context: ${e}`);
    if (r.context === undefined) return 1;
    process.stdout.write(r.context);
    return 0;
  },
};
