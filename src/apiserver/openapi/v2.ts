// The Swagger 2.0 form of the documents (/openapi/v2), converted from the OpenAPI 3.0 ones: one
// document for all groups, `definitions` instead of `components.schemas`, request bodies as `body`
// parameters, consumes/produces instead of media-type maps, references with siblings instead of
// allOf wrappers (as upstream's v2 document has them).
import type { GroupVersionKindExtension, JsonType, MediaTypes, Method, OpenApiSchema, Operation, Parameter, Paths, SchemaMap } from './schema-types.js';
import { METHODS, V2_REF_PREFIX, V3_REF_PREFIX } from './schema-types.js';

export interface SwaggerParameter {
  readonly name: string;
  readonly in: 'query' | 'path' | 'body';
  readonly description?: string;
  readonly required?: boolean;
  readonly type?: JsonType;
  readonly uniqueItems?: boolean;
  /** Only for the body parameter. */
  readonly schema?: OpenApiSchema;
}

export interface SwaggerResponse {
  readonly description: string;
  readonly schema?: OpenApiSchema;
}

export interface SwaggerOperation {
  readonly description: string;
  readonly operationId: string;
  readonly tags: readonly string[];
  readonly consumes?: readonly string[];
  readonly produces: readonly string[];
  readonly schemes: readonly string[];
  readonly parameters?: readonly SwaggerParameter[];
  readonly responses: Readonly<Record<string, SwaggerResponse>>;
  readonly 'x-kubernetes-action'?: string;
  readonly 'x-kubernetes-group-version-kind'?: GroupVersionKindExtension;
}

export type SwaggerPathItem = { parameters?: readonly SwaggerParameter[] } & { [M in Method]?: SwaggerOperation };

export interface SwaggerDocument {
  readonly swagger: '2.0';
  readonly info: { readonly title: string; readonly version: string };
  readonly paths: Record<string, SwaggerPathItem>;
  readonly definitions: SchemaMap;
  readonly securityDefinitions: { readonly BearerToken: typeof SECURITY_SCHEME };
  readonly security: readonly Record<string, readonly string[]>[];
}

export const SECURITY_SCHEME = { type: 'apiKey', description: 'Bearer Token authentication', name: 'authorization', in: 'header' } as const;

export function swaggerDocument(paths: Paths, schemas: SchemaMap, version: string): SwaggerDocument {
  const out: Record<string, SwaggerPathItem> = {};
  for (const [path, item] of Object.entries(paths)) {
    const converted: SwaggerPathItem = {};
    for (const method of METHODS) {
      const op = item[method];
      if (op !== undefined) converted[method] = operationV2(op);
    }
    if (item.parameters !== undefined) converted.parameters = item.parameters.map(parameterV2);
    out[path] = converted;
  }
  const definitions: SchemaMap = {};
  for (const [name, schema] of Object.entries(schemas)) definitions[name] = schemaV2(schema);
  return {
    swagger: '2.0',
    info: { title: 'Kubernetes', version },
    paths: out,
    definitions,
    securityDefinitions: { BearerToken: SECURITY_SCHEME },
    security: [{ BearerToken: [] }],
  };
}

function parameterV2(parameter: Parameter): SwaggerParameter {
  const { schema, ...rest } = parameter;
  return { ...rest, ...(schema.type === undefined ? {} : { type: schema.type }), ...(schema.uniqueItems === undefined ? {} : { uniqueItems: schema.uniqueItems }) };
}

function firstSchema(content: MediaTypes | undefined): OpenApiSchema | undefined {
  return content === undefined ? undefined : Object.values(content)[0]?.schema;
}

function operationV2(op: Operation): SwaggerOperation {
  const { requestBody, responses, parameters, ...rest } = op;
  const converted: SwaggerParameter[] = (parameters ?? []).map(parameterV2);
  const bodySchema = firstSchema(requestBody?.content);
  if (bodySchema !== undefined) converted.unshift({ name: 'body', in: 'body', required: requestBody?.required ?? false, schema: schemaV2(bodySchema) });
  const produces = new Set<string>();
  const answers: Record<string, SwaggerResponse> = {};
  for (const [code, response] of Object.entries(responses)) {
    for (const type of Object.keys(response.content ?? {})) produces.add(type);
    const schema = firstSchema(response.content);
    answers[code] = schema === undefined ? { description: response.description } : { description: response.description, schema: schemaV2(schema) };
  }
  return {
    ...rest,
    ...(requestBody === undefined ? {} : { consumes: Object.keys(requestBody.content) }),
    produces: [...produces],
    schemes: ['https'],
    ...(converted.length > 0 ? { parameters: converted } : {}),
    responses: answers,
  };
}

/** One schema in v2 form, recursively. */
export function schemaV2(schema: OpenApiSchema): OpenApiSchema {
  const out: OpenApiSchema = { ...schema };
  const only = schema.allOf?.length === 1 ? schema.allOf[0] : undefined;
  if (only?.$ref !== undefined) {
    delete out.allOf;
    out.$ref = only.$ref;
  }
  if (out.$ref?.startsWith(V3_REF_PREFIX) === true) out.$ref = V2_REF_PREFIX + out.$ref.slice(V3_REF_PREFIX.length);
  if (out['x-kubernetes-int-or-string'] === true) {
    // Swagger 2.0 has no oneOf: upstream's v2 document says string (and format int-or-string).
    delete out.oneOf;
    out.type = 'string';
  }
  if (out.allOf !== undefined) out.allOf = out.allOf.map(schemaV2);
  if (out.items !== undefined) out.items = schemaV2(out.items);
  if (typeof out.additionalProperties === 'object') out.additionalProperties = schemaV2(out.additionalProperties);
  if (out.properties !== undefined) {
    out.properties = Object.fromEntries(Object.entries(out.properties).map(([name, property]) => [name, schemaV2(property)]));
  }
  return out;
}
