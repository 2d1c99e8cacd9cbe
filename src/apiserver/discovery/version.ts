// /version: the Kubernetes version whose API Supernetes serves.
export const KUBERNETES_VERSION = { major: '1', minor: '33', patch: '0' };

export function versionInfo(): object {
  return {
    major: KUBERNETES_VERSION.major,
    minor: KUBERNETES_VERSION.minor,
    gitVersion: `v${KUBERNETES_VERSION.major}.${KUBERNETES_VERSION.minor}.${KUBERNETES_VERSION.patch}-supernetes`,
    gitCommit: 'supernetes',
    gitTreeState: 'clean',
    buildDate: '2026-11-27T00:00:00Z',
    goVersion: `node${process.versions.node}`,
    compiler: 'tsc',
    platform: `${process.platform}/${process.arch === 'x64' ? 'amd64' : process.arch}`,
  };
}
