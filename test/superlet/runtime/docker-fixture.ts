// Docker for the runtime tests: a client that must answer (the tests fail, not skip, without a
// daemon) and cleanup of everything a test's nodes left behind, found by the node label.
import { createServer } from 'node:net';
import Dockerode from 'dockerode';
import { LABEL } from '../../../src/superlet/runtime/docker/labels.js';

export const BUSYBOX = 'supernetes.local/busybox:latest';
export const MISSING_IMAGE = 'supernetes.local/does-not-exist:1.0';

export async function dockerReady(docker: Dockerode): Promise<void> {
  try {
    await docker.ping();
  } catch (error) {
    throw new Error('Docker does not answer (DOCKER_HOST or /var/run/docker.sock); run scripts/setup-docker.sh', { cause: error });
  }
  try {
    await docker.getImage(BUSYBOX).inspect();
  } catch (error) {
    throw new Error(`image ${BUSYBOX} is missing; run scripts/setup-docker.sh`, { cause: error });
  }
}

export async function removeNodes(docker: Dockerode, nodeNames: string[]): Promise<void> {
  for (const node of nodeNames) {
    const listed = await docker.listContainers({ all: true, filters: { label: [`${LABEL.node}=${node}`] } });
    await Promise.all(
      listed.map(async (info) => {
        try {
          await docker.getContainer(info.Id).remove({ force: true });
        } catch {
          // already gone
        }
      }),
    );
  }
}

/** A DockerRuntime for one test file, a fresh node name per test, and cleanup of all of them. */
export class DockerHarness {
  readonly docker = new Dockerode();
  readonly nodes: string[] = [];
  private readonly run = Math.random().toString(36).slice(2, 8);

  private readiness: Promise<void> | undefined;

  constructor(private readonly prefix: string) {}

  /** Checks the daemon and the image once; every later call repeats the same outcome. */
  ready(): Promise<void> {
    this.readiness ??= dockerReady(this.docker);
    return this.readiness;
  }

  node(): string {
    const node = `rt-${this.prefix}-${this.run}-${this.nodes.length}`;
    this.nodes.push(node);
    return node;
  }

  cleanup(): Promise<void> {
    return removeNodes(this.docker, this.nodes);
  }
}

/** A loopback port nothing listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** GET a URL's body, or undefined while nothing answers (for waitFor). */
export async function httpGet(url: string): Promise<string | undefined> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
    return response.ok ? await response.text() : undefined;
  } catch {
    return undefined;
  }
}
