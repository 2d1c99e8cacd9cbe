// Turns the TypeScript declarations of the kubernetes-types package into OpenAPI schemas with the
// TypeScript compiler API: every interface reachable from the root types becomes one schema named
// as upstream names it, its JSDoc the description, optional-or-not the `required` list. The d.ts
// files say `number` where Go says int32, int64 or float64; numbers become integers (int64 for the
// fields listed in formats.ts), `number | string` is IntOrString, and the meta/v1 and resource
// aliases (Time, MicroTime, Quantity) get upstream's formats.
import { dirname, join, relative } from 'node:path';
import ts from 'typescript';
import type { OpenApiSchema, SchemaMap } from '../schema-types.js';
import { V3_REF_PREFIX } from '../schema-types.js';
import { aliasSchema, INT_OR_STRING_SCHEMA, numberSchema } from './formats.js';
import { definitionPrefixOf, INT_OR_STRING } from '../naming.js';

/** A type to start from: an interface of one kubernetes-types module ("core/v1", "Pod"). */
export interface RootType {
  readonly module: string;
  readonly name: string;
}

type NamedDeclaration = ts.InterfaceDeclaration | ts.TypeAliasDeclaration;

export class SchemaGenerator {
  private readonly program: ts.Program;
  private readonly checker: ts.TypeChecker;
  private readonly schemas: SchemaMap = {};
  private readonly pending: { readonly name: string; readonly declaration: NamedDeclaration }[] = [];

  /** `typesDir` is the root of the kubernetes-types package. */
  constructor(private readonly typesDir: string, modules: readonly string[]) {
    const files = modules.map((module) => join(typesDir, `${module}.d.ts`));
    this.program = ts.createProgram(files, { noEmit: true, target: ts.ScriptTarget.ES2022, types: [] });
    this.checker = this.program.getTypeChecker();
  }

  /** The schemas of the roots and of everything they reach, sorted by name. */
  generate(roots: readonly RootType[]): SchemaMap {
    for (const root of roots) this.enqueue(this.declarationOf(root));
    for (let next = this.pending.shift(); next !== undefined; next = this.pending.shift()) {
      this.schemas[next.name] = this.declarationSchema(next.declaration);
    }
    return Object.fromEntries(Object.entries(this.schemas).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }

  private declarationOf(root: RootType): NamedDeclaration {
    const file = this.program.getSourceFile(join(this.typesDir, `${root.module}.d.ts`));
    if (file === undefined) throw new Error(`kubernetes-types has no module ${root.module}`);
    for (const statement of file.statements) {
      if ((ts.isInterfaceDeclaration(statement) || ts.isTypeAliasDeclaration(statement)) && statement.name.text === root.name) return statement;
    }
    throw new Error(`kubernetes-types ${root.module} declares no ${root.name}`);
  }

  /** The definition name of a declaration, queued for emission the first time it is seen. */
  private enqueue(declaration: NamedDeclaration): string {
    const module = relative(this.typesDir, declaration.getSourceFile().fileName).replace(/\.d\.ts$/, '');
    const prefix = definitionPrefixOf(module.split('\\').join('/'));
    if (prefix === undefined) throw new Error(`no definition name for types in ${module} (${declaration.name.text})`);
    const name = `${prefix}.${declaration.name.text}`;
    if (!Object.hasOwn(this.schemas, name) && !this.pending.some((p) => p.name === name)) {
      this.schemas[name] = {}; // reserved, so a cycle (JSONSchemaProps) ends here
      this.pending.push({ name, declaration });
    }
    return name;
  }

  private declarationSchema(declaration: NamedDeclaration): OpenApiSchema {
    const description = this.documentation(declaration.name);
    const withDescription = (schema: OpenApiSchema): OpenApiSchema => (description === '' ? schema : { description, ...schema });
    if (ts.isTypeAliasDeclaration(declaration)) {
      const special = aliasSchema(declaration.name.text);
      return withDescription(special ?? this.typeSchema(declaration.type, declaration.name.text));
    }
    const properties: Record<string, OpenApiSchema> = {};
    const required: string[] = [];
    const members = declaration.members.filter(ts.isPropertySignature).sort((a, b) => compare(propertyName(a), propertyName(b)));
    for (const member of members) {
      const name = propertyName(member);
      if (member.type === undefined) throw new Error(`${declaration.name.text}.${name} has no type`);
      const schema = this.typeSchema(member.type, `${declaration.name.text}.${name}`);
      properties[name] = describe(schema, this.documentation(member.name));
      if (member.questionToken === undefined) required.push(name);
    }
    const schema: OpenApiSchema = { type: 'object' };
    if (members.length > 0) schema.properties = properties;
    if (required.length > 0) schema.required = required;
    return withDescription(schema);
  }

  /** The schema of a type written in a d.ts; `where` (Type.field) names it in errors and formats. */
  private typeSchema(node: ts.TypeNode, where: string): OpenApiSchema {
    switch (node.kind) {
      case ts.SyntaxKind.StringKeyword:
        return { type: 'string' };
      case ts.SyntaxKind.BooleanKeyword:
        return { type: 'boolean' };
      case ts.SyntaxKind.NumberKeyword:
        return numberSchema(where);
      case ts.SyntaxKind.AnyKeyword:
      case ts.SyntaxKind.UnknownKeyword:
        return {};
    }
    if (ts.isParenthesizedTypeNode(node)) return this.typeSchema(node.type, where);
    if (ts.isLiteralTypeNode(node)) return literalSchema(node, where);
    if (ts.isArrayTypeNode(node)) return { type: 'array', items: this.typeSchema(node.elementType, where) };
    if (ts.isUnionTypeNode(node)) return this.unionSchema(node, where);
    if (ts.isTypeLiteralNode(node)) return this.mapSchema(node, where);
    if (ts.isTypeReferenceNode(node)) {
      const argument = node.typeArguments?.[0];
      if (ts.isIdentifier(node.typeName) && node.typeName.text === 'Array' && argument !== undefined) {
        return { type: 'array', items: this.typeSchema(argument, where) };
      }
      return { $ref: V3_REF_PREFIX + this.enqueue(this.resolve(node.typeName, where)) };
    }
    throw new Error(`${where}: unsupported type syntax ${ts.SyntaxKind[node.kind]}`);
  }

  private unionSchema(node: ts.UnionTypeNode, where: string): OpenApiSchema {
    const kinds = new Set(node.types.map((t) => (ts.isLiteralTypeNode(t) ? 'literal' : ts.SyntaxKind[t.kind])));
    if (kinds.size === 2 && kinds.has('NumberKeyword') && kinds.has('StringKeyword')) {
      if (!Object.hasOwn(this.schemas, INT_OR_STRING)) this.schemas[INT_OR_STRING] = INT_OR_STRING_SCHEMA;
      return { $ref: V3_REF_PREFIX + INT_OR_STRING };
    }
    if (kinds.size === 1 && kinds.has('literal')) return { type: 'string' };
    throw new Error(`${where}: unsupported union type ${node.getText()}`);
  }

  /** `{ [name: string]: T }`: a map with string keys. */
  private mapSchema(node: ts.TypeLiteralNode, where: string): OpenApiSchema {
    const index = node.members.find(ts.isIndexSignatureDeclaration);
    if (index === undefined || node.members.length !== 1) throw new Error(`${where}: only index-signature literals are supported`);
    return { type: 'object', additionalProperties: this.typeSchema(index.type, where) };
  }

  private resolve(name: ts.EntityName, where: string): NamedDeclaration {
    let symbol = this.checker.getSymbolAtLocation(name);
    if (symbol !== undefined && (symbol.flags & ts.SymbolFlags.Alias) !== 0) symbol = this.checker.getAliasedSymbol(symbol);
    const declaration = symbol?.declarations?.find((d) => ts.isInterfaceDeclaration(d) || ts.isTypeAliasDeclaration(d));
    if (declaration === undefined) throw new Error(`${where}: cannot resolve ${name.getText()}`);
    return declaration;
  }

  private documentation(name: ts.Node): string {
    const symbol = this.checker.getSymbolAtLocation(name);
    return symbol === undefined ? '' : ts.displayPartsToString(symbol.getDocumentationComment(this.checker)).trim();
  }
}

function literalSchema(node: ts.LiteralTypeNode, where: string): OpenApiSchema {
  if (ts.isStringLiteral(node.literal)) return { type: 'string' };
  if (node.literal.kind === ts.SyntaxKind.TrueKeyword || node.literal.kind === ts.SyntaxKind.FalseKeyword) return { type: 'boolean' };
  throw new Error(`${where}: unsupported literal type ${node.getText()}`);
}

/**
 * A property's schema with its description. A reference cannot carry siblings in OpenAPI 3.0, so a
 * described reference is wrapped in allOf, as upstream's v3 documents do.
 */
function describe(schema: OpenApiSchema, description: string): OpenApiSchema {
  if (description === '') return schema;
  if (schema.$ref !== undefined) return { allOf: [{ $ref: schema.$ref }], description };
  return { description, ...schema };
}

function propertyName(member: ts.PropertySignature): string {
  const name = member.name;
  if (ts.isIdentifier(name) || ts.isStringLiteral(name)) return name.text;
  throw new Error(`unsupported property name ${name.getText()}`);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The kubernetes-types package directory, found through Node's resolution from this project. */
export function kubernetesTypesDir(resolvePackageJson: (specifier: string) => string): string {
  return dirname(resolvePackageJson('kubernetes-types/package.json'));
}
