// The OpenAPI documents of a registry, built once and served as bytes with their hashes: one
// OpenAPI 3.0 document per group version (/openapi/v3/apis/apps/v1), the index that names them
// with their hashes (/openapi/v3), and the single Swagger 2.0 document (/openapi/v2).
import { createHash } from 'node:crypto';
import { KUBERNETES_VERSION } from '../discovery/version.js';
import type { Registry } from '../registry/registry.js';
import { GENERATED_SCHEMAS, referencedSchemas, servedSchemas } from './catalog.js';
import { discoveryPath, resourcePaths } from './operations.js';
import type { Paths, SchemaFile, SchemaMap } from './schema-types.js';
import { SECURITY_SCHEME, swaggerDocument } from './v2.js';
import { encodeSwaggerDocument, V2_PROTOBUF } from './v2-protobuf.js';

export interface ServedDocument {
  readonly body: Buffer;
  readonly contentType: string;
  /** Upstream's: the SHA-512 of the bytes, in upper-case hex. It is also the ETag. */
  readonly hash: string;
}

export interface V3Index {
  readonly paths: Record<string, { readonly serverRelativeURL: string }>;
}

const VERSION = `v${KUBERNETES_VERSION.major}.${KUBERNETES_VERSION.minor}.${KUBERNETES_VERSION.patch}`;

function served(value: unknown): ServedDocument {
  return bytes(Buffer.from(JSON.stringify(value), 'utf8'), 'application/json');
}

function bytes(body: Buffer, contentType: string): ServedDocument {
  return { body, contentType, hash: createHash('sha512').update(body).digest('hex').toUpperCase() };
}

/** The document name of a group version in the v3 index: "api/v1", "apis/apps/v1". */
export function groupVersionPath(group: string, version: string): string {
  return group === '' ? `api/${version}` : `apis/${group}/${version}`;
}

export class OpenApiDocuments {
  /** The schemas as served: the generated ones with the served group-version-kinds. */
  readonly schemas: SchemaMap;
  private readonly paths = new Map<string, Paths>();
  private readonly v3 = new Map<string, ServedDocument>();
  private v2: { readonly json: ServedDocument; readonly protobuf: ServedDocument } | undefined;
  readonly index: ServedDocument;
  readonly indexContent: V3Index;

  constructor(registry: Registry, file: SchemaFile = GENERATED_SCHEMAS) {
    this.schemas = servedSchemas(
      file,
      registry.resources.map((r) => r.descriptor),
    );
    const index: Record<string, { serverRelativeURL: string }> = {};
    for (const { group, versions } of registry.groups()) {
      for (const version of versions) {
        const name = groupVersionPath(group, version);
        const paths: Paths = discoveryPath(group, version);
        for (const { descriptor } of registry.inGroupVersion(group, version)) Object.assign(paths, resourcePaths(descriptor));
        const sorted = Object.fromEntries(Object.entries(paths).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
        this.paths.set(name, sorted);
        const document = served(this.v3Document(sorted));
        this.v3.set(name, document);
        index[name] = { serverRelativeURL: `/openapi/v3/${name}?hash=${document.hash}` };
      }
    }
    this.indexContent = { paths: index };
    this.index = served(this.indexContent);
  }

  /** The document of "api/v1", "apis/apps/v1", ...; undefined if no such group version is served. */
  groupVersion(name: string): ServedDocument | undefined {
    return this.v3.get(name);
  }

  /** The Swagger 2.0 document of everything, as JSON or protobuf; built on first use. */
  swagger(encoding: 'json' | 'protobuf'): ServedDocument {
    if (this.v2 === undefined) {
      const paths: Paths = {};
      for (const part of this.paths.values()) Object.assign(paths, part);
      const document = swaggerDocument(paths, referencedSchemas(paths, this.schemas), VERSION);
      this.v2 = { json: served(document), protobuf: bytes(encodeSwaggerDocument(document), V2_PROTOBUF) };
    }
    return this.v2[encoding];
  }

  private v3Document(paths: Paths): unknown {
    return {
      openapi: '3.0.0',
      info: { title: 'Kubernetes', version: VERSION },
      paths,
      components: {
        schemas: referencedSchemas(paths, this.schemas),
        securitySchemes: { BearerToken: SECURITY_SCHEME },
      },
      security: [{ BearerToken: [] }],
    };
  }
}

const built = new WeakMap<Registry, OpenApiDocuments>();

/** The documents of a registry, built on first use. The registry's resources are fixed once built. */
export function openApiDocuments(registry: Registry): OpenApiDocuments {
  let documents = built.get(registry);
  if (documents === undefined) {
    documents = new OpenApiDocuments(registry);
    built.set(registry, documents);
  }
  return documents;
}
