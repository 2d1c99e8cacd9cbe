// The shared runtime suite on the fake runtime.
import { FakeRuntime } from '../../../src/superlet/runtime/fake/fake-runtime.js';
import { describeRuntime } from './runtime-suite.js';

const IMAGE = 'supernetes.local/busybox:latest';
const MISSING_IMAGE = 'supernetes.local/does-not-exist:1.0';

describeRuntime('Fake', {
  create: () =>
    new FakeRuntime({
      images: [IMAGE],
      pullError: (image) => (image === MISSING_IMAGE ? 'manifest unknown' : undefined),
    }),
  image: IMAGE,
  missingImage: MISSING_IMAGE,
  cleanup: () => Promise.resolve(),
});
