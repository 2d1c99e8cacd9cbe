// The paths and operations of one served resource, shaped as upstream's OpenAPI documents shape
// them: operation ids such as patchAppsV1NamespacedDeployment, x-kubernetes-action, and the
// x-kubernetes-group-version-kind that clients use to find a kind's operations.
import { ALL_VERBS, type ResourceDescriptor } from '../registry/resource.js';
import { definitionNameOf, groupVersionTokens } from './naming.js';
import {
  DELETE_PARAMETERS,
  LIST_PARAMETERS,
  NAMESPACE,
  nameParameter,
  PATCH_PARAMETERS,
  PRETTY,
  subresourceQuery,
  WRITE_PARAMETERS,
} from './parameters.js';
import type {
  GroupVersionKindExtension,
  MediaTypes,
  OpenApiSchema,
  Operation,
  Parameter,
  PathItem,
  Paths,
  RequestBody,
  Response,
} from './schema-types.js';
import { V3_REF_PREFIX } from './schema-types.js';
import { subresourcesOf, type SubresourceSpec } from './subresources.js';

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';
const JSON_TYPES = ['application/json', 'application/yaml'];
const WATCH_TYPES = [...JSON_TYPES, 'application/json;stream=watch'];
/** What the PATCH handler accepts, as upstream lists it. */
const PATCH_TYPES = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
  'application/apply-patch+yaml',
];

export const ref = (definition: string): OpenApiSchema => ({ $ref: V3_REF_PREFIX + definition });
const STATUS = ref(`${META}.Status`);

const media = (schema: OpenApiSchema, types: readonly string[] = JSON_TYPES): MediaTypes =>
  Object.fromEntries(types.map((type) => [type, { schema }]));

const body = (schema: OpenApiSchema, types: readonly string[] = ['*/*'], required = true): RequestBody => ({
  content: media(schema, types),
  ...(required ? { required } : {}),
});

/** The answers of an operation: each code with the same schema, plus 401. */
function answers(schema: OpenApiSchema, codes: Readonly<Record<string, string>>, types?: readonly string[]): Record<string, Response> {
  const out: Record<string, Response> = {};
  for (const [code, description] of Object.entries(codes)) out[code] = { description, content: media(schema, types) };
  out['401'] = { description: 'Unauthorized' };
  return out;
}

const OK = { '200': 'OK' };
const CREATED = { '200': 'OK', '201': 'Created', '202': 'Accepted' };
const REPLACED = { '200': 'OK', '201': 'Created' };
const DELETED = { '200': 'OK', '202': 'Accepted' };

interface Names {
  readonly d: ResourceDescriptor;
  readonly id: string;
  readonly tag: string;
  readonly scope: string;
}

function operation(names: Names, gvk: GroupVersionKindExtension, fields: Omit<Operation, 'tags' | 'x-kubernetes-group-version-kind'>): Operation {
  return { ...fields, tags: [names.tag], 'x-kubernetes-group-version-kind': gvk };
}

/** Every path of one resource: the collection, the object, all namespaces, the subresources. */
export function resourcePaths(d: ResourceDescriptor): Paths {
  const { id, tag } = groupVersionTokens(d.group, d.version);
  const names: Names = { d, id, tag, scope: d.namespaced ? 'Namespaced' : '' };
  const gvk = { group: d.group, version: d.version, kind: d.kind };
  const verbs = new Set<string>(d.verbs ?? ALL_VERBS);
  const object = ref(definitionNameOf(d.group, d.version, d.kind));
  const list = ref(definitionNameOf(d.group, d.version, d.listKind));
  const base = d.group === '' ? `/api/${d.version}` : `/apis/${d.group}/${d.version}`;
  const collection = d.namespaced ? `${base}/namespaces/{namespace}/${d.plural}` : `${base}/${d.plural}`;
  const scoped = d.namespaced ? [NAMESPACE] : [];
  const paths: Paths = {};
  const listOperation = (operationId: string, description: string): Operation =>
    operation(names, gvk, {
      description,
      operationId,
      parameters: verbs.has('watch') ? LIST_PARAMETERS : LIST_PARAMETERS.filter((p) => !['watch', 'allowWatchBookmarks', 'sendInitialEvents'].includes(p.name)),
      responses: answers(list, OK, verbs.has('watch') ? WATCH_TYPES : JSON_TYPES),
      'x-kubernetes-action': 'list',
    });

  const collectionItem: PathItem = { parameters: [...scoped, PRETTY] };
  if (verbs.has('list')) collectionItem.get = listOperation(`list${id}${names.scope}${d.kind}`, `list or watch objects of kind ${d.kind}`);
  if (verbs.has('create')) {
    collectionItem.post = operation(names, gvk, {
      description: `create ${article(d.kind)} ${d.kind}`,
      operationId: `create${id}${names.scope}${d.kind}`,
      parameters: WRITE_PARAMETERS,
      requestBody: body(object),
      responses: answers(object, CREATED),
      'x-kubernetes-action': 'post',
    });
  }
  if (verbs.has('deletecollection')) {
    collectionItem.delete = operation(names, gvk, {
      description: `delete collection of ${d.kind}`,
      operationId: `delete${id}Collection${names.scope}${d.kind}`,
      parameters: [...LIST_PARAMETERS.filter((p) => p.name !== 'watch'), ...DELETE_PARAMETERS],
      requestBody: body(ref(`${META}.DeleteOptions`), ['*/*'], false),
      responses: answers(STATUS, OK),
      'x-kubernetes-action': 'deletecollection',
    });
  }
  paths[collection] = collectionItem;

  const item: PathItem = { parameters: [nameParameter(d.kind), ...scoped, PRETTY] };
  if (verbs.has('get')) {
    item.get = operation(names, gvk, {
      description: `read the specified ${d.kind}`,
      operationId: `read${id}${names.scope}${d.kind}`,
      responses: answers(object, OK),
      'x-kubernetes-action': 'get',
    });
  }
  if (verbs.has('update')) item.put = replaceOperation(names, gvk, object, '');
  if (verbs.has('patch')) item.patch = patchOperation(names, gvk, object, '');
  if (verbs.has('delete')) {
    item.delete = operation(names, gvk, {
      description: `delete ${article(d.kind)} ${d.kind}`,
      operationId: `delete${id}${names.scope}${d.kind}`,
      parameters: DELETE_PARAMETERS,
      requestBody: body(ref(`${META}.DeleteOptions`), ['*/*'], false),
      responses: answers(STATUS, DELETED),
      'x-kubernetes-action': 'delete',
    });
  }
  paths[`${collection}/{name}`] = item;

  if (d.namespaced && verbs.has('list')) {
    paths[`${base}/${d.plural}`] = {
      parameters: [PRETTY],
      get: listOperation(`list${id}${d.kind}ForAllNamespaces`, `list or watch objects of kind ${d.kind}`),
    };
  }
  for (const sub of subresourcesOf(d)) paths[`${collection}/{name}/${sub.name}`] = subresourcePath(names, sub, scoped);
  return paths;
}

function replaceOperation(names: Names, gvk: GroupVersionKindExtension, schema: OpenApiSchema, sub: string, what = names.d.kind): Operation {
  return operation(names, gvk, {
    description: sub === '' ? `replace the specified ${what}` : `replace ${sub.toLowerCase()} of the specified ${what}`,
    operationId: `replace${names.id}${names.scope}${names.d.kind}${sub}`,
    parameters: WRITE_PARAMETERS,
    requestBody: body(schema),
    responses: answers(schema, REPLACED),
    'x-kubernetes-action': 'put',
  });
}

function patchOperation(names: Names, gvk: GroupVersionKindExtension, schema: OpenApiSchema, sub: string): Operation {
  return operation(names, gvk, {
    description: sub === '' ? `partially update the specified ${names.d.kind}` : `partially update ${sub.toLowerCase()} of the specified ${names.d.kind}`,
    operationId: `patch${names.id}${names.scope}${names.d.kind}${sub}`,
    parameters: PATCH_PARAMETERS,
    requestBody: body(ref(`${META}.Patch`), PATCH_TYPES),
    responses: answers(schema, REPLACED),
    'x-kubernetes-action': 'patch',
  });
}

function subresourcePath(names: Names, sub: SubresourceSpec, scoped: readonly Parameter[]): PathItem {
  const { d, id, scope } = names;
  const gvk = sub.kind ?? { group: d.group, version: d.version, kind: d.kind };
  const suffix = sub.name.charAt(0).toUpperCase() + sub.name.slice(1);
  const item: PathItem = { parameters: [nameParameter(gvk.kind), ...scoped, ...(sub.connect === undefined ? [PRETTY] : [])] };
  if (sub.connect !== undefined) {
    for (const method of sub.connect) {
      const verb = method.charAt(0).toUpperCase() + method.slice(1);
      item[method] = operation(names, gvk, {
        description: `connect ${method.toUpperCase()} requests to ${sub.name} of ${d.kind}`,
        operationId: `connect${id}${verb}${scope}${d.kind}${suffix}`,
        parameters: subresourceQuery(sub.query ?? {}),
        responses: answers({ type: 'string' }, OK, ['*/*']),
        'x-kubernetes-action': 'connect',
      });
    }
    return item;
  }
  const schema = ref(definitionNameOf(gvk.group, gvk.version, gvk.kind));
  for (const verb of sub.verbs) {
    if (verb === 'read') {
      item.get = operation(names, gvk, {
        description: `read ${sub.name} of the specified ${d.kind}`,
        operationId: `read${id}${scope}${d.kind}${suffix}`,
        ...(sub.query === undefined ? {} : { parameters: subresourceQuery(sub.query) }),
        responses: sub.text === true ? answers({ type: 'string' }, OK, ['text/plain', 'application/json']) : answers(schema, OK),
        'x-kubernetes-action': 'get',
      });
    } else if (verb === 'replace') {
      item.put = replaceOperation(names, gvk, schema, suffix, d.kind);
    } else if (verb === 'patch') {
      item.patch = patchOperation(names, gvk, schema, suffix);
    } else {
      item.post = operation(names, gvk, {
        description: `create ${sub.name} of ${article(d.kind)} ${d.kind}`,
        operationId: `create${id}${scope}${d.kind}${suffix}`,
        parameters: WRITE_PARAMETERS,
        requestBody: body(schema),
        responses: answers(schema, CREATED),
        'x-kubernetes-action': 'post',
      });
    }
  }
  return item;
}

/** The discovery document of a group version (GET /apis/apps/v1/). */
export function discoveryPath(group: string, version: string): Paths {
  const { id, tag } = groupVersionTokens(group, version);
  const path = group === '' ? `/api/${version}/` : `/apis/${group}/${version}/`;
  return {
    [path]: {
      get: {
        description: 'get available resources',
        operationId: `get${id}APIResources`,
        tags: [tag],
        responses: answers(ref(`${META}.APIResourceList`), OK),
      },
    },
  };
}

function article(kind: string): string {
  return /^[AEIOU]/.test(kind) ? 'an' : 'a';
}
