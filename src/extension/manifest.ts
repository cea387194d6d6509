// The extension's manifest contributions (commands, menus, settings), declared once in code.
// package.json's `contributes` and `activationEvents` must equal `contributes()` / ACTIVATION_EVENTS:
// test/unit/settings.test.ts checks it, and `npx tsx src/extension/manifest.ts --write` rewrites them.
// No `vscode` import here, so unit tests can load it.

import { configurationContribution } from '../config/settings';

export const CMD = {
  generateTest: 'testtune.generateTest',
  fineTuneAdapter: 'testtune.fineTuneAdapter',
  selectAdapter: 'testtune.selectAdapter',
  evaluateAdapter: 'testtune.evaluateAdapter',
  showLog: 'testtune.showLog',
} as const;
export type CommandId = (typeof CMD)[keyof typeof CMD];

export const COMMANDS: readonly { command: CommandId; title: string; category: string }[] = [
  { command: CMD.generateTest, title: 'Generate test', category: 'TestTune' },
  { command: CMD.fineTuneAdapter, title: 'Fine-tune adapter on this repo', category: 'TestTune' },
  { command: CMD.selectAdapter, title: 'Select adapter', category: 'TestTune' },
  { command: CMD.evaluateAdapter, title: 'Evaluate adapter against the base model', category: 'TestTune' },
  { command: CMD.showLog, title: 'Show log', category: 'TestTune' },
];

export const ACTIVATION_EVENTS: readonly string[] = ['onLanguage:java', 'workspaceContains:**/pom.xml', 'workspaceContains:**/build.gradle'];

const JAVA_EDITOR = 'editorLangId == java';

export function contributes(): Record<string, unknown> {
  return {
    commands: COMMANDS.map((c) => ({ ...c })),
    menus: {
      'editor/context': [{ command: CMD.generateTest, when: JAVA_EDITOR, group: '1_testtune@1' }],
      commandPalette: [{ command: CMD.generateTest, when: JAVA_EDITOR }],
    },
    configuration: configurationContribution(),
  };
}

// `npx tsx src/extension/manifest.ts --write`: rewrite package.json's manifest parts from this file.
if (typeof require !== 'undefined' && require.main === module && process.argv.includes('--write')) {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const fs = require('node:fs') as typeof import('node:fs');
  const file = require('node:path').join(__dirname, '..', '..', 'package.json') as string;
  const pkg = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  pkg.activationEvents = [...ACTIVATION_EVENTS];
  pkg.contributes = contributes();
  fs.writeFileSync(file, JSON.stringify(pkg, null, 2) + '\n');
  console.log(`wrote contributes and activationEvents into ${file}`);
}
