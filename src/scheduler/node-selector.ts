// Matching a node against nodeSelector and node affinity terms (upstream component-helpers
// nodeaffinity): a term is an AND of label expressions and field expressions; terms are ORed; an
// empty or malformed term matches nothing.
import type { Node, NodeSelectorRequirement, NodeSelectorTerm, Pod } from 'kubernetes-types/core/v1.js';
import { parseGoInt64 } from '../api/go-strings.js';

type Labels = Readonly<Record<string, string>>;

function requirementMatches(r: Readonly<NodeSelectorRequirement>, labels: Labels): boolean | undefined {
  const values = r.values ?? [];
  const has = Object.hasOwn(labels, r.key);
  const value = labels[r.key];
  switch (r.operator) {
    case 'In':
      return has && values.includes(value ?? '');
    case 'NotIn':
      return !has || !values.includes(value ?? '');
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
    case 'Gt':
    case 'Lt': {
      if (values.length !== 1) return undefined;
      const want = parseGoInt64(values[0] ?? '');
      if (want === undefined) return undefined;
      const got = has ? parseGoInt64(value ?? '') : undefined;
      if (got === undefined) return false;
      return r.operator === 'Gt' ? got > want : got < want;
    }
    default:
      return undefined;
  }
}

// Only metadata.name may be selected by field, with In (one value) or NotIn.
function fieldMatches(r: Readonly<NodeSelectorRequirement>, node: Readonly<Node>): boolean | undefined {
  if (r.key !== 'metadata.name') return undefined;
  const values = r.values ?? [];
  const name = node.metadata?.name ?? '';
  if (r.operator === 'In') return values.length === 1 ? values[0] === name : undefined;
  if (r.operator === 'NotIn') return !values.includes(name);
  return undefined;
}

export function termMatches(term: Readonly<NodeSelectorTerm>, node: Readonly<Node>): boolean {
  const expressions = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (expressions.length === 0 && fields.length === 0) return false;
  const labels = node.metadata?.labels ?? {};
  return expressions.every((r) => requirementMatches(r, labels) === true) && fields.every((r) => fieldMatches(r, node) === true);
}

/** True when the node satisfies spec.nodeSelector and the required node affinity. */
export function podMatchesNode(pod: Readonly<Pod>, node: Readonly<Node>): boolean {
  const labels = node.metadata?.labels ?? {};
  for (const [k, v] of Object.entries(pod.spec?.nodeSelector ?? {})) {
    if (labels[k] !== v) return false;
  }
  const required = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  if (required === undefined) return true;
  return required.nodeSelectorTerms.some((t) => termMatches(t, node));
}

/** Sum of the weights of the preferred terms the node matches (an empty term matches none, as upstream's code does). */
export function preferredWeight(pod: Readonly<Pod>, node: Readonly<Node>): number {
  let total = 0;
  for (const p of pod.spec?.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []) {
    if (p.weight === 0) continue;
    if (termMatches(p.preference, node)) total += p.weight;
  }
  return total;
}
