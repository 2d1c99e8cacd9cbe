// `--runtime docker|fake`: which container runtime a superlet drives.
import { DockerRuntime } from '../superlet/runtime/docker/docker-runtime.js';
import { FakeRuntime } from '../superlet/runtime/fake/fake-runtime.js';
import type { Runtime } from '../superlet/runtime/runtime.js';

export function createRuntime(name: string): Runtime {
  if (name === 'docker') return new DockerRuntime({});
  if (name === 'fake') return new FakeRuntime({});
  throw new Error(`unknown --runtime "${name}": use docker or fake`);
}
