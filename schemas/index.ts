// The registry of JSON Schemas: one per kind (by the information file it validates) and one per configuration
// file. Kinds without a file of their own say so explicitly, so that adding a kind without deciding its schema
// fails to compile.
import { readFileSync } from 'node:fs';
import { type Kind, KIND_NAMES, kindSpec } from '../core/kinds.ts';

export type KindSchema =
  /** the schema of the kind's information file (for policies: of the policy resource, as overrides see it) */
  | { schema: string }
  /** no file of its own, and why */
  | { schema: null; why: string };

export const KIND_SCHEMAS = {
  servicePolicy: { schema: 'policy.schema.json' },
  namedValue: { schema: 'namedValue.schema.json' },
  certificate: { schema: 'certificate.schema.json' },
  group: { schema: 'group.schema.json' },
  tag: { schema: 'tag.schema.json' },
  versionSet: { schema: 'versionSet.schema.json' },
  gateway: { schema: 'gateway.schema.json' },
  logger: { schema: 'logger.schema.json' },
  backend: { schema: 'backend.schema.json' },
  policyFragment: { schema: 'policyFragment.schema.json' },
  serviceDiagnostic: { schema: 'diagnostic.schema.json' },
  api: { schema: 'api.schema.json' },
  apiSchema: { schema: null, why: 'the GraphQL schema is the API specification (specification.graphql); APIOps writes no file for it' },
  apiOperation: { schema: null, why: 'operations come from the API specification; an operation folder only holds its policy.xml' },
  apiPolicy: { schema: 'policy.schema.json' },
  apiOperationPolicy: { schema: 'policy.schema.json' },
  apiDiagnostic: { schema: 'diagnostic.schema.json' },
  apiRelease: { schema: 'apiRelease.schema.json' },
  product: { schema: 'product.schema.json' },
  productPolicy: { schema: 'policy.schema.json' },
  productApiLink: { schema: 'productApiLink.schema.json' },
  productGroupLink: { schema: 'productGroupLink.schema.json' },
  tagApiLink: { schema: 'tagApiLink.schema.json' },
  tagProductLink: { schema: 'tagProductLink.schema.json' },
  tagOperationLink: { schema: 'tagOperationLink.schema.json' },
  subscription: { schema: 'subscription.schema.json' },
  gatewayApi: { schema: 'gatewayApi.schema.json' },
} as const satisfies Record<Kind, KindSchema>;

export const CONFIG_SCHEMAS = {
  /** apiops.yaml */
  apiops: 'apiops.schema.json',
  /** configuration.<target>.yaml (APIOps publisher overrides) */
  overrides: 'configuration.schema.json',
  /** configuration.extractor.yaml (APIOps extractor filter) */
  extractorFilter: 'configuration.extractor.schema.json',
} as const;

export type ConfigSchema = keyof typeof CONFIG_SCHEMAS;

/** Schemas of what apiops prints rather than reads (validated by the tests of their renderers). */
export const OUTPUT_SCHEMAS = {
  /** `apiops diff --format json`, `apiops publish --plan-out` */
  plan: 'plan.schema.json',
} as const;

export type JsonSchema = { $id: string; [key: string]: unknown };

const cache = new Map<string, JsonSchema>();

/** The parsed schema file of this folder. */
export function loadSchema(file: string): JsonSchema {
  let schema = cache.get(file);
  if (!schema) {
    schema = JSON.parse(readFileSync(new URL(`./${file}`, import.meta.url), 'utf8')) as JsonSchema;
    cache.set(file, schema);
  }
  return schema;
}

/** Every schema of a file apiops reads (kinds and configuration), once each. */
export function allSchemaFiles(): string[] {
  const files = new Set<string>(Object.values(CONFIG_SCHEMAS));
  for (const entry of Object.values(KIND_SCHEMAS)) if (entry.schema !== null) files.add(entry.schema);
  return [...files].sort();
}

/**
 * `.vscode/settings.json` → `json.schemas` entries mapping every information file (and its legacy names) to its
 * schema, derived from the kinds table, so an editor validates and completes them as you type (schemas/README.md).
 */
export function editorJsonSchemas(options: { schemasFolder: string; artifactsFolder: string }): { fileMatch: string[]; url: string }[] {
  const byFile = new Map<string, Set<string>>();
  for (const kind of KIND_NAMES) {
    const entry: KindSchema = KIND_SCHEMAS[kind];
    const artifact = kindSpec(kind).artifact;
    if (entry.schema === null || artifact.content === 'xml' || artifact.file === null) continue;
    const patterns = byFile.get(entry.schema) ?? new Set<string>();
    for (const file of [artifact.file, ...(artifact.legacyFiles ?? [])]) patterns.add(`${options.artifactsFolder}/**/${file}`);
    byFile.set(entry.schema, patterns);
  }
  return [...byFile].sort(([a], [b]) => (a < b ? -1 : 1)).map(([schema, patterns]) => ({ fileMatch: [...patterns].sort(), url: `${options.schemasFolder}/${schema}` }));
}
