// superctl cluster-info: where the control plane answers, and the cluster services
// (kube-system services labelled kubernetes.io/cluster-service=true), as kubectl prints them.
import type { Command } from 'commander';
import type { Service } from 'kubernetes-types/core/v1.js';
import { Services } from '../../client/resource-types.js';
import type { CliContext } from '../cli-context.js';
import { oneLineUsageErrors } from '../cli-error.js';

export function register(program: Command, ctx: CliContext): void {
  oneLineUsageErrors(program.command('cluster-info'))
    .description('Display addresses of the control plane and services with label kubernetes.io/cluster-service=true')
    .action(async () => {
      const client = await ctx.client();
      const server = (await ctx.config()).server.replace(/\/+$/, '');
      // kubectl colours these names only on a terminal.
      const color = ctx.streams.stdout.isTTY === true;
      const green = (s: string): string => (color ? `\u001b[0;32m${s}\u001b[0m` : s);
      const yellow = (s: string): string => (color ? `\u001b[0;33m${s}\u001b[0m` : s);
      // The services list also proves the server answers before anything is printed.
      const services = await client.list<Service>(Services, { namespace: 'kube-system', labelSelector: 'kubernetes.io/cluster-service=true' });
      ctx.out(`${green('Kubernetes control plane')} is running at ${yellow(server)}\n`);
      for (const svc of services.items) {
        const name = svc.metadata?.labels?.['kubernetes.io/name'] ?? svc.metadata?.name ?? '';
        const port = svc.spec?.ports?.[0];
        const scheme = port?.name === 'https' ? 'https:' : '';
        const portName = port?.name !== undefined && port.name !== '' ? `:${port.name}` : '';
        ctx.out(`${green(name)} is running at ${yellow(`${server}/api/v1/namespaces/kube-system/services/${scheme}${svc.metadata?.name ?? ''}${portName}/proxy`)}\n`);
      }
      ctx.out("\nTo further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.\n");
    });
}
