// The Swagger 2.0 document in the encoding client-go asks for
// (application/com.github.proto-openapi.spec.v2@v1.0+protobuf): gnostic's openapi_v2.Document.
// kubectl 1.27 and 1.28 fetch it before any apply or create with validation on, and read from it
// the kinds' patch operations (does the server take fieldValidation?) and the models their
// strategic merge patches use. Field numbers are those of gnostic's OpenAPIv2.proto. Vendor
// extensions are NamedAny values whose `yaml` holds the value; JSON is valid YAML, so it is JSON.
import { ProtoMessage } from './proto-writer.js';
import type { OpenApiSchema } from './schema-types.js';
import type { SwaggerDocument, SwaggerOperation, SwaggerParameter, SwaggerPathItem } from './v2.js';

/** The media type served; `@` is not valid in a media type, so clients could not parse the other. */
export const V2_PROTOBUF = 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf';
/** The media type client-go asks for, which upstream still accepts. */
export const V2_PROTOBUF_REQUESTED = 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf';

const m = (): ProtoMessage => new ProtoMessage();

/** A map entry (NamedSchema, NamedPathItem, ...): name = 1, value = 2. */
const named = (name: string, value: ProtoMessage): ProtoMessage => m().string(1, name).message(2, value);

/** NamedAny: the value as Any { yaml = 2 }. */
const namedAny = (name: string, value: unknown): ProtoMessage => named(name, m().string(2, JSON.stringify(value)));

function vendorExtensions(object: object): ProtoMessage[] {
  return Object.entries(object)
    .filter(([key, value]) => key.startsWith('x-') && value !== undefined)
    .map(([key, value]) => namedAny(key, value));
}

export function encodeSwaggerDocument(document: SwaggerDocument): Buffer {
  const paths = m().messages(
    2,
    Object.entries(document.paths).map(([path, item]) => named(path, pathItem(item))),
  );
  const definitions = m().messages(
    1,
    Object.entries(document.definitions).map(([name, s]) => named(name, schema(s))),
  );
  const security = document.security.map((requirement) =>
    m().messages(
      1,
      Object.entries(requirement).map(([name, scopes]) => named(name, m().strings(1, scopes))),
    ),
  );
  const bearer = document.securityDefinitions.BearerToken;
  const apiKey = m().string(1, bearer.type).string(2, bearer.name).string(3, bearer.in).string(4, bearer.description);
  return m()
    .string(1, document.swagger)
    .message(2, m().string(1, document.info.title).string(2, document.info.version))
    .message(8, paths)
    .message(9, definitions)
    .messages(12, security)
    .message(13, m().message(1, named('BearerToken', m().message(2, apiKey))))
    .encode();
}

/** PathItem: get 2, put 3, post 4, delete 5, options 6, head 7, patch 8, parameters 9. */
function pathItem(item: SwaggerPathItem): ProtoMessage {
  return m()
    .message(2, item.get === undefined ? undefined : operation(item.get))
    .message(3, item.put === undefined ? undefined : operation(item.put))
    .message(4, item.post === undefined ? undefined : operation(item.post))
    .message(5, item.delete === undefined ? undefined : operation(item.delete))
    .message(6, item.options === undefined ? undefined : operation(item.options))
    .message(7, item.head === undefined ? undefined : operation(item.head))
    .message(8, item.patch === undefined ? undefined : operation(item.patch))
    .messages(9, (item.parameters ?? []).map(parametersItem));
}

function operation(op: SwaggerOperation): ProtoMessage {
  const responses = m().messages(
    1,
    Object.entries(op.responses).map(([code, r]) => {
      const response = m()
        .string(1, r.description)
        .message(2, r.schema === undefined ? undefined : m().message(1, schema(r.schema)));
      return named(code, m().message(1, response));
    }),
  );
  return m()
    .strings(1, op.tags)
    .string(3, op.description)
    .string(5, op.operationId)
    .strings(6, op.produces)
    .strings(7, op.consumes)
    .messages(8, (op.parameters ?? []).map(parametersItem))
    .message(9, responses)
    .strings(10, op.schemes)
    .messages(13, vendorExtensions(op));
}

/** ParametersItem { parameter = 1: Parameter { body_parameter = 1 | non_body_parameter = 2 } }. */
function parametersItem(p: SwaggerParameter): ProtoMessage {
  let parameter: ProtoMessage;
  if (p.in === 'body') {
    const body = m()
      .string(1, p.description)
      .string(2, p.name)
      .string(3, p.in)
      .bool(4, p.required)
      .message(5, p.schema === undefined ? undefined : schema(p.schema));
    parameter = m().message(1, body);
  } else if (p.in === 'query') {
    // QueryParameterSubSchema: required 1, in 2, description 3, name 4, type 6, unique_items 20.
    const query = m().bool(1, p.required).string(2, p.in).string(3, p.description).string(4, p.name).string(6, p.type).bool(20, p.uniqueItems);
    parameter = m().message(2, m().message(3, query));
  } else {
    // PathParameterSubSchema: required 1, in 2, description 3, name 4, type 5, unique_items 19.
    const path = m().bool(1, p.required).string(2, p.in).string(3, p.description).string(4, p.name).string(5, p.type).bool(19, p.uniqueItems);
    parameter = m().message(2, m().message(4, path));
  }
  return m().message(1, parameter);
}

/**
 * Schema: _ref 1, format 2, description 4, unique_items 16, required 19, additional_properties 21
 * (AdditionalPropertiesItem { schema 1 | boolean 2 }), type 22 (TypeItem), items 23 (ItemsItem),
 * all_of 24, properties 25 (Properties of NamedSchema), vendor_extension 31.
 */
function schema(s: OpenApiSchema): ProtoMessage {
  const additional =
    s.additionalProperties === undefined
      ? undefined
      : typeof s.additionalProperties === 'boolean'
        ? m().bool(2, s.additionalProperties)
        : m().message(1, schema(s.additionalProperties));
  const properties =
    s.properties === undefined ? undefined : m().messages(1, Object.entries(s.properties).map(([name, p]) => named(name, schema(p))));
  return m()
    .string(1, s.$ref)
    .string(2, s.format)
    .string(4, s.description)
    .bool(16, s.uniqueItems)
    .strings(19, s.required)
    .message(21, additional)
    .message(22, s.type === undefined ? undefined : m().strings(1, [s.type]))
    .message(23, s.items === undefined ? undefined : m().message(1, schema(s.items)))
    .messages(24, (s.allOf ?? []).map(schema))
    .message(25, properties)
    .messages(31, vendorExtensions(s));
}
