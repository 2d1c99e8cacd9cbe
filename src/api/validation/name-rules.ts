// Which syntax a resource's metadata.name must follow, and how generateName
// becomes a name (upstream pkg/api/validation/generic.go, storage/names).

import { isDNS1035Label, isDNS1123Label, isDNS1123Subdomain, isValidPathSegmentName, isValidPathSegmentPrefix } from './names.js';

/**
 * Checks a name; `prefix` is true when the value is a generateName, which will get
 * random characters appended, so a trailing '-' is fine. Returns the problems found.
 */
export type NameValidator = (name: string, prefix: boolean) => string[];

/** The default for most resources: pods, configmaps, secrets, nodes, deployments... */
export const nameIsDNSSubdomain: NameValidator = (name, prefix) => isDNS1123Subdomain(prefix ? maskTrailingDash(name) : name);

/** Namespaces (and a few others whose names end up as DNS labels). */
export const nameIsDNSLabel: NameValidator = (name, prefix) => isDNS1123Label(prefix ? maskTrailingDash(name) : name);

/** Services: their names become DNS labels that must start with a letter. */
export const nameIsDNS1035Label: NameValidator = (name, prefix) => isDNS1035Label(prefix ? maskTrailingDash(name) : name);

/** RBAC roles and bindings: anything that is safe as a path segment. */
export const nameIsPathSegment: NameValidator = (name, prefix) =>
  prefix ? isValidPathSegmentPrefix(name) : isValidPathSegmentName(name);

/** Namespace names, also used for metadata.namespace of namespaced objects. */
export const validateNamespaceName: NameValidator = nameIsDNSLabel;

// Upstream swaps the last two characters for "a" (not just the dash); kept so the
// same generateNames are accepted. The length guard avoids upstream's slice panic on "-".
function maskTrailingDash(name: string): string {
  if (name.length > 1 && name.endsWith('-')) return name.slice(0, name.length - 2) + 'a';
  return name;
}

const RANDOM_LENGTH = 5;
const MAX_NAME_LENGTH = 63;
const MAX_GENERATED_BASE_LENGTH = MAX_NAME_LENGTH - RANDOM_LENGTH;
// Upstream's alphabet has no vowels or look-alike characters, so no words or ambiguity.
const ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';

/**
 * The name for `generateName`: the base cut to 58 characters plus 5 random characters, as
 * upstream's SimpleNameGenerator. `random` returns a float in [0, 1) (Math.random fits);
 * it is a parameter so this stays pure and testable.
 */
export function generateName(base: string, random: () => number): string {
  let out = base.length > MAX_GENERATED_BASE_LENGTH ? base.slice(0, MAX_GENERATED_BASE_LENGTH) : base;
  for (let i = 0; i < RANDOM_LENGTH; i++) {
    const idx = Math.min(ALPHANUMS.length - 1, Math.max(0, Math.floor(random() * ALPHANUMS.length)));
    out += ALPHANUMS[idx] ?? 'x';
  }
  return out;
}
