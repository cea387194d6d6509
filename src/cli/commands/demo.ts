// `testtune demo` (the README's main job, `npm run demo`): writes a test for a method of the example
// Maven project with the shipped default model and prints it. The example project is left untouched.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { bool, parseArgs, str, type CliCommand } from '../command';
import { loadToolchain } from '../../verify/toolchain';
import { command as generate, packageRoot } from './generate';

const USAGE = `usage: testtune demo [--method <name>] [--model <dir>] [--max-new-tokens <n>] [--no-verify]

Generates a JUnit test for a method of examples/calculator (default: Calculator.factorial) with the
default model (models/default), the product's whole generation path: when a Java toolchain is present
(javac, JUnit 5's console launcher, JaCoCo) the candidates are compiled, run and repaired, and only a
passing test is printed. Nothing in the example project is written.`;

export const command: CliCommand = {
  name: 'demo',
  summary: 'generate a test for a method of the example project with the default model',
  usage: USAGE,
  async run(argv) {
    const args = parseArgs(argv, { values: ['method', 'model', 'max-new-tokens'], booleans: ['no-verify'] });
    const root = packageRoot();
    const file = root && path.join(root, 'examples', 'calculator', 'src', 'main', 'java', 'com', 'example', 'calculator', 'Calculator.java');
    if (!file || !fs.existsSync(file)) throw new Error('the example project (examples/calculator) is not next to this package');
    const method = str(args, 'method') ?? 'factorial';
    process.stderr.write(`TestTune demo: ${path.relative(root!, file)} → ${method}\n`);
    const rest = ['--method', method];
    for (const flag of ['model', 'max-new-tokens']) {
      const v = str(args, flag);
      if (v !== undefined) rest.push(`--${flag}`, v);
    }
    if (!bool(args, 'no-verify')) {
      const tc = await loadToolchain();
      if (tc.errors.length) process.stderr.write(`note: no verification, the Java toolchain is incomplete: ${tc.errors.join('; ')}\n`);
      else rest.push('--verify');
    }
    return generate.run([file, ...rest]);
  },
};
