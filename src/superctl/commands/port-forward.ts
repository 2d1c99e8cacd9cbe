// superctl port-forward TYPE/NAME [LOCAL_PORT:]REMOTE_PORT...: listens on local ports (127.0.0.1
// unless --address says otherwise) and carries every connection to the pod over the API server's
// pods/portforward, until Ctrl-C. Through a service, its ports are mapped to the pod's target ports.
import type { Command } from 'commander';
import type { CliContext } from '../cli-context.js';
import { CliError } from '../cli-error.js';
import { parsePorts } from '../remote/port-forward-ports.js';
import { runPortForward } from '../remote/port-forward-session.js';
import { forwardTarget } from '../remote/port-forward-target.js';
import { parseDuration } from '../remote/watch-object.js';

interface PortForwardOptions {
  address: string;
  podRunningTimeout: string;
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command('port-forward')
    .description('Forward one or more local ports to a pod: port-forward TYPE/NAME [LOCAL_PORT:]REMOTE_PORT [...]')
    .argument('[target]', 'a pod name, or TYPE/NAME (svc, deploy, rs, ...): one of its pods is used')
    .argument('[ports...]', 'LOCAL:REMOTE, :REMOTE (a random local port) or PORT (the same on both sides)')
    .option('--address <addresses>', 'addresses to listen on, comma-separated (IPs or localhost)', '127.0.0.1')
    .option('--pod-running-timeout <duration>', 'how long to wait for a pod of the workload to exist', '1m0s')
    .action(async (targetArg: string | undefined, portSpecs: string[], options: PortForwardOptions) => {
      if (targetArg === undefined || portSpecs.length === 0) throw new CliError('error: TYPE/NAME and list of ports are required for port-forward');
      const addresses = options.address.split(',').map((a) => a.trim()).filter((a) => a !== '');
      if (addresses.length === 0) throw new CliError('error: --address needs at least one address');
      const waitMs = parseDuration(options.podRunningTimeout, '--pod-running-timeout');
      const { pod, service } = await forwardTarget(ctx, targetArg, waitMs);
      const ports = parsePorts(portSpecs, pod, service);
      const stop = new AbortController();
      const onSignal = (): void => stop.abort();
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      try {
        await runPortForward(await ctx.config(), {
          namespace: pod.metadata?.namespace ?? (await ctx.namespace()),
          pod: pod.metadata?.name ?? '',
          ports,
          addresses,
          out: (text) => ctx.out(text),
          err: (text) => ctx.err(text),
          signal: stop.signal,
        });
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    });
}
