// PLACEHOLDER until its owner implements it: `testtune eval`.
import type { CliCommand } from '../command';

export const command: CliCommand = {
  name: 'eval',
  summary: '(not built yet)',
  usage: 'testtune eval: not built yet',
  async run() {
    console.error('testtune eval is not built yet');
    return 1;
  },
};
