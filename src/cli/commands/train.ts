// PLACEHOLDER until its owner implements it: `testtune train`.
import type { CliCommand } from '../command';

export const command: CliCommand = {
  name: 'train',
  summary: '(not built yet)',
  usage: 'testtune train: not built yet',
  async run() {
    console.error('testtune train is not built yet');
    return 1;
  },
};
