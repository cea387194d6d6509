// PLACEHOLDER until its owner implements it: `testtune generate`.
import type { CliCommand } from '../command';

export const command: CliCommand = {
  name: 'generate',
  summary: '(not built yet)',
  usage: 'testtune generate: not built yet',
  async run() {
    console.error('testtune generate is not built yet');
    return 1;
  },
};
