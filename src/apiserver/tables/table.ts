// Server-side printing: the Table kubectl asks for (Accept: application/json;as=Table;v=v1;g=meta.k8s.io),
// with the resource's columns after Name, rows carrying the object's metadata (or the object).
import type { KubeObject, ResourceDescriptor, TableColumn } from '../registry/resource.js';
import { humanDuration } from '../../api/human-duration.js';

export const TABLE_CONTENT_TYPE = 'application/json;as=Table;v=v1;g=meta.k8s.io';

export type IncludeObject = 'None' | 'Metadata' | 'Object';

export const NAME_COLUMN: TableColumn = {
  name: 'Name',
  type: 'string',
  format: 'name',
  description: 'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names',
  priority: 0,
};

const CREATED_COLUMN: TableColumn = {
  name: 'Created At',
  type: 'date',
  description: 'CreationTimestamp is a timestamp representing the server time when this object was created.',
  priority: 0,
};

export function wantsTable(accept: string | undefined): boolean {
  return accept !== undefined && /as=Table/.test(accept) && /g=meta\.k8s\.io/.test(accept);
}

export function includeObjectOf(query: URLSearchParams): IncludeObject {
  const value = query.get('includeObject');
  return value === 'None' || value === 'Object' ? value : 'Metadata';
}

function columnsOf(resource: ResourceDescriptor): readonly TableColumn[] {
  return resource.strategy.cells === undefined ? [NAME_COLUMN, CREATED_COLUMN] : resource.columns;
}

function cellsOf(resource: ResourceDescriptor, object: KubeObject, now: number): unknown[] {
  if (resource.strategy.cells === undefined) return [object.metadata?.name ?? '', object.metadata?.creationTimestamp ?? ''];
  return resource.strategy.cells(object).map((cell) => (cell instanceof AgeOf ? humanDuration(now - cell.since) : cell));
}

/** A cell that prints as the time since `since` (the AGE column), computed when the table is built. */
export class AgeOf {
  constructor(readonly since: number) {}
}

export function age(timestamp: string | undefined): AgeOf | string {
  if (timestamp === undefined) return '<unknown>';
  return new AgeOf(Date.parse(timestamp));
}

function rowObject(object: KubeObject, include: IncludeObject): unknown {
  if (include === 'None') return undefined;
  if (include === 'Object') return object;
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: object.metadata };
}

export interface TableListMeta {
  readonly resourceVersion?: string;
  readonly continue?: string;
  readonly remainingItemCount?: number;
}

export function toTable(
  resource: ResourceDescriptor,
  objects: readonly KubeObject[],
  include: IncludeObject,
  listMeta: TableListMeta = {},
  withColumns = true,
): object {
  return { ...tableHead(resource, listMeta, withColumns), rows: tableRows(resource, objects, include) };
}

/** The Table without its rows (a list streams the rows after it). */
export function tableHead(resource: ResourceDescriptor, listMeta: TableListMeta, withColumns = true): Record<string, unknown> {
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: listMeta,
    ...(withColumns ? { columnDefinitions: columnsOf(resource) } : { columnDefinitions: null }),
  };
}

/** How a list's rows get their objects' JSON: cached per object while the watch cache holds it. */
export interface RowEncoder {
  json(object: KubeObject): string;
  metadataJson(object: KubeObject): string;
}

/**
 * The rows of a list, each as its JSON text: the same rows as `tableRows`, but the object (or its
 * metadata) is spliced in from `encoder`'s cache rather than stringified again for every list.
 */
export function tableRowsJson(resource: ResourceDescriptor, objects: readonly KubeObject[], include: IncludeObject, encoder: RowEncoder): string[] {
  const now = Date.now();
  return objects.map((object) => {
    const cells = JSON.stringify(cellsOf(resource, object, now));
    if (include === 'None') return `{"cells":${cells}}`;
    if (include === 'Object') return `{"cells":${cells},"object":${encoder.json(object)}}`;
    return `{"cells":${cells},"object":{"kind":"PartialObjectMetadata","apiVersion":"meta.k8s.io/v1","metadata":${encoder.metadataJson(object)}}}`;
  });
}

export function tableRows(resource: ResourceDescriptor, objects: readonly KubeObject[], include: IncludeObject): Record<string, unknown>[] {
  const now = Date.now();
  return objects.map((object) => {
    const row: Record<string, unknown> = { cells: cellsOf(resource, object, now) };
    const included = rowObject(object, include);
    if (included !== undefined) row.object = included;
    return row;
  });
}
