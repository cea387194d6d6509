// PLACEHOLDER until its owner implements it: `testtune place`.
import type { CliCommand } from '../command';

export const command: CliCommand = {
  name: 'place',
  summary: '(not built yet)',
  usage: 'testtune place: not built yet',
  async run() {
    console.error('testtune place is not built yet');
    return 1;
  },
};
