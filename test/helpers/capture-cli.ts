// Runs a `testtune` subcommand in process, capturing what it writes to stdout and stderr; an error it
// throws becomes exit code -1 with "THROWN: message" on stderr (as the CLI's main would print it).
import type { CliCommand } from '../../src/cli/command';

export async function runCli(command: CliCommand, argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const w1 = process.stdout.write;
  const w2 = process.stderr.write;
  process.stdout.write = ((c: string | Uint8Array) => ((out += c.toString()), true)) as typeof process.stdout.write;
  process.stderr.write = ((c: string | Uint8Array) => ((err += c.toString()), true)) as typeof process.stderr.write;
  try {
    const code = await command.run(argv).catch((e: Error) => ((err += `THROWN: ${e.message}\n`), -1));
    return { code, out, err };
  } finally {
    process.stdout.write = w1;
    process.stderr.write = w2;
  }
}

/** Like runCli, for commands whose errors the test expects to reject: they propagate. */
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
