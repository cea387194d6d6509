// PLACEHOLDER until its owner implements it: `testtune context`.
import type { CliCommand } from '../command';

export const command: CliCommand = {
  name: 'context',
  summary: '(not built yet)',
  usage: 'testtune context: not built yet',
  async run() {
    console.error('testtune context is not built yet');
    return 1;
  },
};
