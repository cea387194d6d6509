// PLACEHOLDER until its owner implements it: `testtune demo`.
import type { CliCommand } from '../command';

export const command: CliCommand = {
  name: 'demo',
  summary: '(not built yet)',
  usage: 'testtune demo: not built yet',
  async run() {
    console.error('testtune demo is not built yet');
    return 1;
  },
};
