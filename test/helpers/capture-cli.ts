// Runs a `testtune` subcommand in process, capturing stdout and silencing stderr.
import type { CliCommand } from '../../src/cli/command';

export async function runCaptured(command: CliCommand, argv: string[]): Promise<{ code: number; out: string }> {
  const write = process.stdout.write.bind(process.stdout);
  const errWrite = process.stderr.write.bind(process.stderr);
  let out = '';
  process.stdout.write = ((s: string) => ((out += s), true)) as typeof process.stdout.write;
  process.stderr.write = (() => true) as typeof process.stderr.write;
  try {
    return { code: await command.run(argv), out };
  } finally {
    process.stdout.write = write;
    process.stderr.write = errWrite;
  }
}
