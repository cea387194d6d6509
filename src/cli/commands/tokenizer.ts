// PLACEHOLDER until its owner implements it: `testtune tokenizer`.
import type { CliCommand } from '../command';

export const command: CliCommand = {
  name: 'tokenizer',
  summary: '(not built yet)',
  usage: 'testtune tokenizer: not built yet',
  async run() {
    console.error('testtune tokenizer is not built yet');
    return 1;
  },
};
