// Docker for the runtime tests: a client that must answer (the tests fail, not skip, without a
// daemon) and cleanup of everything a test's nodes left behind, found by the node label.
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
