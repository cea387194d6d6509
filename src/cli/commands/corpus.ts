// PLACEHOLDER until its owner implements it: `testtune corpus`.
import type { CliCommand } from '../command';

export const command: CliCommand = {
  name: 'corpus',
  summary: '(not built yet)',
  usage: 'testtune corpus: not built yet',
  async run() {
    console.error('testtune corpus is not built yet');
    return 1;
  },
};
