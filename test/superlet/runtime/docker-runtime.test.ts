// The shared runtime suite on the Docker Engine API (fails when no daemon answers).
import Dockerode from 'dockerode';
import { DockerRuntime } from '../../../src/superlet/runtime/docker/docker-runtime.js';
import { BUSYBOX, MISSING_IMAGE, dockerReady, removeNodes } from './docker-fixture.js';
import { describeRuntime } from './runtime-suite.js';

const docker = new Dockerode();

describeRuntime('Docker', {
  create: () => new DockerRuntime({ docker }),
  image: BUSYBOX,
  missingImage: MISSING_IMAGE,
  ready: () => dockerReady(docker),
  cleanup: (nodes) => removeNodes(docker, nodes),
});
