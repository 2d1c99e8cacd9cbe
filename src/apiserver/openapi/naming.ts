// Where kubernetes-types keeps a group's types, and the names upstream's OpenAPI gives them: the Go
// package path reversed (io.k8s.api.core.v1.Pod, io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta),
// which kubectl shows in `explain` and which clients match on.

/** The kubernetes-types module of an API group version, relative to the package root ("core/v1"). */
export function typesModuleOf(group: string, version: string): string {
  if (group === '') return `core/${version}`;
  if (group === 'internal.apiserver.k8s.io') return `apiserverinternal/${version}`;
  return `${group.split('.')[0] ?? group}/${version}`;
}

/**
 * The definition-name prefix of the types in one kubernetes-types file (path relative to the
 * package root, without ".d.ts"), or undefined for files that are not Go packages of types.
 */
export function definitionPrefixOf(module: string): string | undefined {
  if (module === 'runtime') return 'io.k8s.apimachinery.pkg.runtime';
  if (module === 'version') return 'io.k8s.apimachinery.pkg.version';
  if (module === 'api/resource') return 'io.k8s.apimachinery.pkg.api.resource';
  const match = /^([a-z0-9]+)\/(v[a-z0-9]+)$/.exec(module);
  if (match === null) return undefined;
  const [, pkg, version] = match;
  if (pkg === 'meta') return `io.k8s.apimachinery.pkg.apis.meta.${version}`;
  if (pkg === 'apiextensions') return `io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.${version}`;
  return `io.k8s.api.${pkg}.${version}`;
}

/** Upstream's name for util/intstr.IntOrString, which kubernetes-types inlines as `number | string`. */
export const INT_OR_STRING = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';

/**
 * The definition name of a kind: io.k8s.api.apps.v1.Deployment for the built-in groups (no dot, or
 * under k8s.io), the reversed group for others as upstream names custom resources
 * (com.example.stable.v1.CronTab).
 */
export function definitionNameOf(group: string, version: string, kind: string): string {
  const builtIn = !group.includes('.') || group.endsWith('.k8s.io');
  const prefix = builtIn ? definitionPrefixOf(typesModuleOf(group, version)) : undefined;
  return `${prefix ?? `${group.split('.').reverse().join('.')}.${version}`}.${kind}`;
}

/**
 * How upstream spells a group version inside operation ids ("AppsV1", "CoreV1",
 * "RbacAuthorizationV1") and as a tag ("apps_v1", "core_v1", "rbacAuthorization_v1").
 */
export function groupVersionTokens(group: string, version: string): { readonly id: string; readonly tag: string } {
  const words = group === '' ? ['core'] : group.replace(/\.k8s\.io$/, '').split(/[.-]/);
  const capital = (w: string): string => w.charAt(0).toUpperCase() + w.slice(1);
  const id = words.map(capital).join('') + capital(version);
  const tag = `${words.map((w, i) => (i === 0 ? w : capital(w))).join('')}_${version}`;
  return { id, tag };
}
