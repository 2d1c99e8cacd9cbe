// The subset of OpenAPI (3.0 and Swagger 2.0) this server writes: schemas with Kubernetes' vendor
// extensions, parameters, operations and documents. Plain JSON shapes, no behaviour.

export type JsonType = 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';

export interface GroupVersionKindExtension {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
}

export interface OpenApiSchema {
  type?: JsonType;
  format?: string;
  description?: string;
  properties?: Record<string, OpenApiSchema>;
  required?: string[];
  items?: OpenApiSchema;
  additionalProperties?: OpenApiSchema | boolean;
  allOf?: OpenApiSchema[];
  oneOf?: OpenApiSchema[];
  $ref?: string;
  uniqueItems?: boolean;
  'x-kubernetes-group-version-kind'?: GroupVersionKindExtension[];
  'x-kubernetes-patch-merge-key'?: string;
  'x-kubernetes-patch-strategy'?: string;
  'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map';
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-int-or-string'?: boolean;
}

/** Schemas by definition name (io.k8s.api.core.v1.Pod), as in `components.schemas`. */
export type SchemaMap = Record<string, OpenApiSchema>;

/** What the generator writes (schemas.json) and the server reads. */
export interface SchemaFile {
  /** Where the schemas came from, e.g. "kubernetes-types 1.30.0". */
  readonly source: string;
  readonly schemas: SchemaMap;
}

export const V3_REF_PREFIX = '#/components/schemas/';
export const V2_REF_PREFIX = '#/definitions/';

export interface Parameter {
  readonly name: string;
  readonly in: 'query' | 'path';
  readonly description: string;
  readonly required?: boolean;
  readonly schema: OpenApiSchema;
}

export type MediaTypes = Record<string, { readonly schema: OpenApiSchema }>;

export interface RequestBody {
  readonly content: MediaTypes;
  readonly required?: boolean;
}

export interface Response {
  readonly description: string;
  readonly content?: MediaTypes;
}

export interface Operation {
  readonly description: string;
  readonly operationId: string;
  readonly tags: readonly string[];
  readonly parameters?: readonly Parameter[];
  readonly requestBody?: RequestBody;
  readonly responses: Readonly<Record<string, Response>>;
  readonly 'x-kubernetes-action'?: string;
  readonly 'x-kubernetes-group-version-kind'?: GroupVersionKindExtension;
}

export const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch'] as const;
export type Method = (typeof METHODS)[number];

export type PathItem = { parameters?: readonly Parameter[] } & { [M in Method]?: Operation };

export type Paths = Record<string, PathItem>;
