// GraphQL SDL → a GraphQL API: the schema is validated the way graphql-js builds it, kept verbatim as the
// `graphql` API schema (what APIOps reads back from `apis/<a>/schemas/graphql`), and every root field becomes
// an operation so operation-level resources (policies, tags) have something to attach to.
import { GraphQLError, buildSchema, validateSchema } from 'graphql';
import type { GraphQLObjectType } from 'graphql';
import { SpecImportError, locatedMessage, offsetOf } from './errors.ts';
import { NameAllocator, normalizeOperationName } from './names.ts';
import { GRAPHQL_SCHEMA_ID, SCHEMA_CONTENT_TYPES } from './types.ts';
import type { ImportedApi, OperationContract } from './types.ts';


function located(text: string, error: GraphQLError): string {
  const location = error.locations?.[0];
  if (!location) return error.message;
  const offset = offsetOf(text, location.line, location.column);
  return locatedMessage(text, offset, offset + 1, error.message);
}

export function importGraphQl(sdl: string): ImportedApi {
  if (sdl.trim() === '') throw new SpecImportError('The GraphQL schema is empty.');
  let schema;
  try {
    schema = buildSchema(sdl);
  } catch (error) {
    if (error instanceof GraphQLError) throw new SpecImportError(located(sdl, error));
    throw new SpecImportError(error instanceof Error ? error.message : String(error));
  }
  const errors = validateSchema(schema);
  if (errors.length > 0) throw new SpecImportError(errors.map((e) => located(sdl, e)));

  const names = new NameAllocator();
  const operations: OperationContract[] = [];
  const roots: [string, GraphQLObjectType | null | undefined][] = [
    ['query', schema.getQueryType()],
    ['mutation', schema.getMutationType()],
    ['subscription', schema.getSubscriptionType()],
  ];
  for (const [kind, type] of roots) {
    if (!type) continue;
    for (const field of Object.values(type.getFields())) {
      operations.push({
        name: names.allocate(normalizeOperationName(`${kind}-${field.name}`)),
        properties: {
          displayName: field.name,
          method: 'POST',
          urlTemplate: `/${kind}/${field.name}`,
          templateParameters: [],
          ...(field.description ? { description: field.description } : {}),
          request: { queryParameters: [], headers: [], representations: [] },
          responses: [],
        },
      });
    }
  }
  return {
    apiType: 'graphql',
    operations,
    schemas: [{ id: GRAPHQL_SCHEMA_ID, contentType: SCHEMA_CONTENT_TYPES.graphql, document: { value: sdl } }],
    source: { kind: 'graphql', sdl },
  };
}
