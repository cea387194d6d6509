// PLACEHOLDER until its owner implements it: `testtune model`.
import type { CliCommand } from '../command';

export const command: CliCommand = {
  name: 'model',
  summary: '(not built yet)',
  usage: 'testtune model: not built yet',
  async run() {
    console.error('testtune model is not built yet');
    return 1;
  },
};
