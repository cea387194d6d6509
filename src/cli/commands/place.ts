// `testtune place`: puts a test method into the right test file (creating it when needed).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CliCommand, UsageError, bool, parseArgs, str } from '../command';
import { readJavaFile } from './context';
import { extractTestMethod } from '../../java/extract';
import { readSourceFile, writeEditedSource, type DecodedSource } from '../../java/encoding';
import { findProjectRoot, findTestLocation } from '../../java/location';
import { listMethods } from '../../java/methods';
import { isFatalPlacementError, placeTest } from '../../java/placement';

const USAGE = `usage:
  testtune place <File.java> --method <name> --test-code <file> [--dry-run] [--json]
                 [--project <dir>] [--test-root <dir>] [--framework junit4|junit5]

Adds the test method in --test-code (one method; model output is cut at the end of its first
complete method) to the test class of <File.java>: creates src/test/java/<pkg>/<Name>Test.java or
inserts the method before the test class's closing brace, adds missing imports, renames on a clash.
  --dry-run    write nothing; print the new file text (with --json: {"path","created","text"})
  --test-root  test source root, absolute or relative to the module (default src/test/java)`;

export const command: CliCommand = {
  name: 'place',
  summary: 'add a test method to the test file of a Java file',
  usage: USAGE,
  async run(argv) {
    const args = parseArgs(argv, { values: ['method', 'test-code', 'project', 'test-root', 'framework'], booleans: ['dry-run', 'json'] });
    const file = args.positional[0];
    const focalSource = readJavaFile(file);
    const name = str(args, 'method');
    if (!name) throw new UsageError('--method <name> is required');
    const codeFile = str(args, 'test-code');
    if (!codeFile) throw new UsageError('--test-code <file> is required');
    if (!fs.existsSync(codeFile)) throw new UsageError(`${codeFile} does not exist`);
    const fw = str(args, 'framework');
    if (fw !== undefined && fw !== 'junit4' && fw !== 'junit5') throw new UsageError('--framework is junit4 or junit5');

    const listing = await listMethods(focalSource);
    if (!listing.methods.some((m) => m.name === name)) {
      console.error(`testtune place: no method '${name}' in ${file}`);
      return 1;
    }
    const extracted = await extractTestMethod(fs.readFileSync(codeFile, 'utf8'));
    if (!extracted.complete || !extracted.method) {
      for (const e of extracted.errors) console.error(`testtune place: ${e}`);
      return 1;
    }
    const root = path.resolve(str(args, 'project') ?? findProjectRoot(file));
    // The existing test file decoded in its own encoding, so that the edit's offsets and the write agree.
    const loc = findTestLocation(root, path.resolve(file), { testRootOverride: str(args, 'test-root') });
    let existing: DecodedSource | undefined;
    try {
      existing = loc.exists ? readSourceFile(loc.testFile) : undefined;
    } catch (e) {
      console.error(`testtune place: ${(e as Error).message}`);
      return 1;
    }
    const p = await placeTest({
      projectRoot: root,
      focalFile: path.resolve(file),
      focalSource,
      testMethod: extracted.method,
      framework: fw,
      testRootOverride: str(args, 'test-root'),
      existingTestText: existing?.text,
    });
    const fatal = p.errors.filter(isFatalPlacementError);
    if (fatal.length || p.edit.insertText === '') {
      for (const e of fatal.length ? fatal : p.errors.length ? p.errors : ['nothing to place']) console.error(`testtune place: ${e}`);
      return 1;
    }
    for (const e of p.errors) console.error(`testtune place: warning: ${e}`);
    const dry = bool(args, 'dry-run');
    if (!dry) {
      const w = writeEditedSource(p.path, p.created ? undefined : existing, p.edit);
      if (w.error) {
        console.error(`testtune place: not written: ${w.error}`);
        return 1;
      }
    }
    if (bool(args, 'json')) console.log(JSON.stringify({ path: p.path, created: p.created, text: p.text }));
    else if (dry) process.stdout.write(p.text);
    else console.log(`${p.created ? 'created' : 'updated'} ${p.path} (test method ${p.methodName})`);
    return 0;
  },
};
