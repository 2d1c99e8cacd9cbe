import { describe, expect, it } from 'vitest';
import { containerSecurity, effectiveSecurity, parseImageUser, verifyRunAsNonRoot } from './security-context.js';
import { mainContainer, podWith } from './container-config-fixtures.js';

describe('security context', () => {
  it('the container wins field by field over the pod', () => {
    const pod = podWith(
      { securityContext: { runAsUser: 2000, readOnlyRootFilesystem: true, privileged: false } },
      { securityContext: { runAsUser: 1000, runAsGroup: 3000, runAsNonRoot: true } },
    );
    expect(effectiveSecurity(pod, mainContainer(pod))).toEqual({ runAsUser: 2000, runAsGroup: 3000, runAsNonRoot: true, readOnlyRootFilesystem: true, privileged: false });
    expect(containerSecurity(pod, mainContainer(pod))).toEqual({ runAsUser: 2000, runAsGroup: 3000, readOnlyRootFilesystem: true, privileged: false });
  });

  it('nothing set is nothing', () => {
    const pod = podWith({});
    expect(containerSecurity(pod, mainContainer(pod))).toEqual({});
  });

  it('root 0 from the pod is kept (not mistaken for unset)', () => {
    const pod = podWith({}, { securityContext: { runAsUser: 0, runAsGroup: 0 } });
    expect(containerSecurity(pod, mainContainer(pod))).toEqual({ runAsUser: 0, runAsGroup: 0 });
  });

  it('parses image users', () => {
    expect(parseImageUser('')).toEqual({});
    expect(parseImageUser('1000')).toEqual({ uid: 1000 });
    expect(parseImageUser('1000:50')).toEqual({ uid: 1000 });
    expect(parseImageUser('nobody:nogroup')).toEqual({ username: 'nobody' });
  });

  describe('verifyRunAsNonRoot', () => {
    const desc = '"web_ns(uid-1)"';
    it('passes when not asked for, or for a non-root user', () => {
      const plain = podWith({});
      expect(() => verifyRunAsNonRoot(plain, mainContainer(plain), undefined)).not.toThrow();
      const nonRoot = podWith({ securityContext: { runAsNonRoot: true, runAsUser: 1000 } });
      expect(() => verifyRunAsNonRoot(nonRoot, mainContainer(nonRoot), undefined)).not.toThrow();
      const fromImage = podWith({}, { securityContext: { runAsNonRoot: true } });
      expect(() => verifyRunAsNonRoot(fromImage, mainContainer(fromImage), '1000:1000')).not.toThrow();
    });

    it('fails as the kubelet words it', () => {
      const root = podWith({ securityContext: { runAsNonRoot: true, runAsUser: 0 } });
      expect(() => verifyRunAsNonRoot(root, mainContainer(root), '1000')).toThrow(`container's runAsUser breaks non-root policy (pod: ${desc}, container: main)`);
      const image = podWith({}, { securityContext: { runAsNonRoot: true } });
      expect(() => verifyRunAsNonRoot(image, mainContainer(image), '')).toThrow(`container has runAsNonRoot and image will run as root (pod: ${desc}, container: main)`);
      expect(() => verifyRunAsNonRoot(image, mainContainer(image), '0')).toThrow('image will run as root');
      expect(() => verifyRunAsNonRoot(image, mainContainer(image), 'app')).toThrow(
        `container has runAsNonRoot and image has non-numeric user (app), cannot verify user is non-root (pod: ${desc}, container: main)`,
      );
    });
  });
});
