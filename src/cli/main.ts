#!/usr/bin/env node
// `testtune` command line: one file per subcommand under ./commands, each exporting `command`.
import type { CliCommand } from './command';
import { command as context } from './commands/context';
import { command as place } from './commands/place';
import { command as generate } from './commands/generate';
import { command as model } from './commands/model';
import { command as train } from './commands/train';
import { command as mine } from './commands/mine';
import { command as corpus } from './commands/corpus';
import { command as evaluate } from './commands/eval';
import { command as tokenizer } from './commands/tokenizer';
import { command as demo } from './commands/demo';
import { command as project } from './commands/project';
import { command as finetune } from './commands/finetune';
import { command as exportPairs } from './commands/export';

const COMMANDS: CliCommand[] = [context, place, generate, model, train, mine, corpus, evaluate, tokenizer, demo, project, finetune, exportPairs];

function usage(): string {
  const lines = ['usage: testtune <command> [options]', '', 'commands:'];
  for (const c of COMMANDS) lines.push(`  ${c.name.padEnd(10)} ${c.summary}`);
  lines.push('', "Run 'testtune <command> --help' for a command's options.");
  return lines.join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name ? 0 : 2;
  }
  const cmd = COMMANDS.find((c) => c.name === name);
  if (!cmd) {
    console.error(`testtune: unknown command '${name}'\n\n${usage()}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(cmd.usage);
    return 0;
  }
  try {
    return await cmd.run(rest);
  } catch (e) {
    console.error(`testtune ${name}: ${e instanceof Error ? e.message : String(e)}`);
    if (process.env.TESTTUNE_DEBUG) console.error(e);
    return 1;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (e) => {
      console.error(e);
      process.exitCode = 1;
    },
  );
}
