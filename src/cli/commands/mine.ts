// PLACEHOLDER until its owner implements it: `testtune mine`.
import type { CliCommand } from '../command';

export const command: CliCommand = {
  name: 'mine',
  summary: '(not built yet)',
  usage: 'testtune mine: not built yet',
  async run() {
    console.error('testtune mine is not built yet');
    return 1;
  },
};
