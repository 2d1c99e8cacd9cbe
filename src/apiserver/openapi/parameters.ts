// The query and path parameters of the operations, with the meaning the handlers give them.
// Clients read them: kubectl decides it may leave validation to the server (`fieldValidation`)
// by finding that parameter on a kind's PATCH operation.
import type { JsonType, Parameter } from './schema-types.js';

const query = (name: string, description: string, type: JsonType = 'string'): Parameter => ({
  name,
  in: 'query',
  description,
  schema: { type, uniqueItems: true },
});

export const PRETTY = query('pretty', "If 'true', then the output is pretty printed.");

export const pathParameter = (name: string, description: string): Parameter => ({
  name,
  in: 'path',
  description,
  required: true,
  schema: { type: 'string', uniqueItems: true },
});

export const NAMESPACE = pathParameter('namespace', 'object name and auth scope, such as for teams and projects');

export const nameParameter = (what: string): Parameter => pathParameter('name', `name of the ${what}`);

const DRY_RUN = query(
  'dryRun',
  'When present, indicates that modifications should not be persisted. The only valid value is All: every stage of the request is processed but nothing is stored.',
);

const FIELD_MANAGER = query(
  'fieldManager',
  'A name associated with the actor or entity that is making these changes: at most 128 printable characters. Required for apply patches (application/apply-patch+yaml), optional otherwise.',
);

const FIELD_VALIDATION = query(
  'fieldValidation',
  'How the server treats unknown and duplicate fields in the body: Ignore drops them silently; Warn (the default) drops them and sends a warning for each; Strict fails the request with a BadRequest error that names every such field.',
);

const FORCE = query(
  'force',
  'Force an apply patch: take over the fields that other managers own instead of failing with a conflict. Must be unset for other patches.',
  'boolean',
);

/** create, replace and the subresources that take a body. */
export const WRITE_PARAMETERS: readonly Parameter[] = [DRY_RUN, FIELD_MANAGER, FIELD_VALIDATION];

export const PATCH_PARAMETERS: readonly Parameter[] = [DRY_RUN, FIELD_MANAGER, FIELD_VALIDATION, FORCE];

export const DELETE_PARAMETERS: readonly Parameter[] = [
  DRY_RUN,
  query(
    'gracePeriodSeconds',
    'The duration in seconds before the object should be deleted: a non-negative integer. Zero means delete immediately; unset means the default for the kind.',
    'integer',
  ),
  query(
    'orphanDependents',
    'Deprecated, use propagationPolicy: whether the dependent objects should be orphaned (true) or deleted by the garbage collector (false).',
    'boolean',
  ),
  query(
    'propagationPolicy',
    "Whether and how garbage collection is performed: Orphan leaves the dependents; Background deletes them after the object; Foreground deletes them before the object (which gets a 'foregroundDeletion' finalizer meanwhile).",
  ),
];

export const LIST_PARAMETERS: readonly Parameter[] = [
  query('allowWatchBookmarks', 'Ask for watch events of type BOOKMARK, which carry only the resourceVersion reached. Ignored when not watching.', 'boolean'),
  query(
    'continue',
    'The continue token of the previous page of a paginated list (its metadata.continue). An expired token fails with 410 ResourceExpired.',
  ),
  query('fieldSelector', 'A selector to restrict the returned objects by their fields. Defaults to everything.'),
  query('labelSelector', 'A selector to restrict the returned objects by their labels. Defaults to everything.'),
  query(
    'limit',
    'The most items to return in one page. When more exist, the list carries metadata.continue to fetch the next page with.',
    'integer',
  ),
  query(
    'resourceVersion',
    'Constrains which resource versions a list or watch may be served from: unset means the most recent; "0" means any (from the cache); otherwise see resourceVersionMatch.',
  ),
  query('resourceVersionMatch', 'How resourceVersion applies to a list: Exact or NotOlderThan (the default when resourceVersion is set).'),
  query('sendInitialEvents', 'With watch=true, start the watch with synthetic ADDED events for the current objects, then a bookmark.', 'boolean'),
  query('timeoutSeconds', 'Timeout for the list or watch call, regardless of any activity or inactivity.', 'integer'),
  query(
    'watch',
    'Watch for changes to the described resources and return them as a stream of add, update and remove notifications. Specify resourceVersion.',
    'boolean',
  ),
];

/** Query parameters of a connect or subresource read, all strings except the flags. */
export function subresourceQuery(descriptions: Readonly<Record<string, string>>): Parameter[] {
  const flags = new Set(['follow', 'previous', 'timestamps', 'stdin', 'stdout', 'stderr', 'tty']);
  const integers = new Set(['limitBytes', 'sinceSeconds', 'tailLines']);
  return Object.entries(descriptions).map(([name, description]) =>
    query(name, description, flags.has(name) ? 'boolean' : integers.has(name) ? 'integer' : 'string'),
  );
}
