#!/usr/bin/env node
// The `supernetes` binary: the server and each component on its own.
import { Command } from 'commander';
import { registerAgentCommand } from './agent-command.js';
import { registerCacheCommand } from './cache-command.js';
import { registerComponentCommands } from './component-commands.js';
import { registerServerCommand } from './server-command.js';
import { setMaxListeners } from 'node:events';

const stop = new AbortController();
// Every component of the process (informers, watches, the proxy's loops) listens for this one stop.
setMaxListeners(0, stop.signal);
// The first SIGINT or SIGTERM stops everything in order (the proxy removes its rules, the superlet
// lets its containers run on). A second one, as a terminal's Ctrl-C sends to a whole process group
// with its shell, must not cut that short; SIGKILL still ends the process at once.
let signals = 0;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (signals++ === 0) stop.abort();
    else process.stderr.write(`supernetes: already stopping (${signal} again); SIGKILL ends it at once\n`);
  });
}

const program = new Command()
  .name('supernetes')
  .description('Supernetes: a container orchestrator with the architecture of Kubernetes')
  .version('0.1.0')
  .showHelpAfterError();
registerServerCommand(program, stop.signal);
registerCacheCommand(program, stop.signal);
registerAgentCommand(program, stop.signal);
registerComponentCommands(program, stop.signal);

program.parseAsync(process.argv).catch((error: unknown) => {
  console.error(`supernetes: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
