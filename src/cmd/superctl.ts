#!/usr/bin/env node
// The `superctl` binary: the command line. Its verbs arrive with the API server.
import { Command } from 'commander';

const program = new Command()
  .name('superctl')
  .description('superctl: the Supernetes command line (verbs arrive with the API server)')
  .version('0.1.0')
  .showHelpAfterError();

program.parseAsync(process.argv).catch((error: unknown) => {
  console.error(`superctl: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
