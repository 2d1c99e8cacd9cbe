// What every command shares: the global flags, the kubeconfig they select, one REST client, the
// namespace to act in, and where output goes (tests and the progress display replace the streams).
import type { Readable, Writable } from 'node:stream';
import type { ClientConfig } from '../client/kubeconfig.js';
import { RestClient } from '../client/rest-client.js';
import { loadCliConfig } from './kubeconfig-files.js';
import { ResourceResolver } from './resource-resolver.js';

/** kubectl's global flags (commander turns --insecure-skip-tls-verify into insecureSkipTlsVerify). */
export interface GlobalOptions {
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  server?: string;
  token?: string;
  insecureSkipTlsVerify?: boolean;
  requestTimeout?: string;
}

export interface CliStreams {
  stdin: Readable & { isTTY?: boolean };
  stdout: Writable & { isTTY?: boolean; columns?: number };
  stderr: Writable & { isTTY?: boolean };
}

export class CliContext {
  private configPromise?: Promise<ClientConfig>;
  private restClient?: RestClient;
  private resourceResolver?: ResourceResolver;

  constructor(
    /** Read when first needed: commander fills the options while it parses. */
    private readonly globals: () => GlobalOptions,
    readonly streams: CliStreams,
    readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  get options(): GlobalOptions {
    return this.globals();
  }

  /** The kubeconfig's selected context with the command-line overrides applied. */
  config(): Promise<ClientConfig> {
    this.configPromise ??= loadCliConfig(this.globals(), this.env);
    return this.configPromise;
  }

  async client(): Promise<RestClient> {
    this.restClient ??= new RestClient({ config: { ...(await this.config()), userAgent: 'superctl' } });
    return this.restClient;
  }

  /** Type names as the user writes them (po, deploy, deployments.apps) to API resources, by discovery. */
  async resolver(): Promise<ResourceResolver> {
    this.resourceResolver ??= new ResourceResolver(await this.client());
    return this.resourceResolver;
  }

  /** -n, else the context's namespace, else "default". */
  async namespace(): Promise<string> {
    const flag = this.globals().namespace;
    if (flag !== undefined && flag !== '') return flag;
    return (await this.config()).namespace ?? 'default';
  }

  out(text: string): void {
    this.streams.stdout.write(text);
  }

  err(text: string): void {
    this.streams.stderr.write(text);
  }

  close(): void {
    this.restClient?.close();
  }
}
