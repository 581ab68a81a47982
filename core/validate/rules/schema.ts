// Information files against their JSON Schemas, each problem at the line of the offending property; and
// properties the schema does not know, which APIM ignores (usually a misspelling).
import { KIND_SCHEMAS, type KindSchema, loadSchema } from '../../../schemas/index.ts';
import { isJsonObject, locatePointer } from '../../files/json.ts';
import { lineColumn } from '../../files/text.ts';
import { finding } from '../findings.ts';
import { checkSchema } from '../schema-check.ts';
import type { ValidationContext } from '../context.ts';

/** The property names a kind's schema declares, for the unknown-property warning. */
const knownProperties = new Map<string, Set<string>>();

function declared(schemaFile: string): Set<string> {
  let set = knownProperties.get(schemaFile);
  if (!set) {
    const schema = loadSchema(schemaFile) as { $defs?: { properties?: { properties?: Record<string, unknown> } } };
    set = new Set(Object.keys(schema.$defs?.properties?.properties ?? {}));
    knownProperties.set(schemaFile, set);
  }
  return set;
}

export function checkInformationSchemas(ctx: ValidationContext): void {
  for (const file of ctx.read.files.values()) {
    if (file.shape !== 'information' || file.json === undefined) continue;
    const entry: KindSchema = KIND_SCHEMAS[file.kind];
    if (entry.schema === null) continue;
    for (const problem of checkSchema(entry.schema, file.json)) {
      ctx.findings.push(finding('schema', { file: file.path, ...lineColumn(file.text, locatePointer(file.text, problem.pointer)) }, problem.message));
    }
    const properties = isJsonObject(file.json) ? file.json.properties : undefined;
    if (!isJsonObject(properties)) continue;
    const known = declared(entry.schema);
    for (const name of Object.keys(properties)) {
      if (known.has(name)) continue;
      const at = lineColumn(file.text, locatePointer(file.text, `/properties/${name.replace(/~/g, '~0').replace(/\//g, '~1')}`));
      ctx.findings.push(finding('unknown-property', { file: file.path, ...at }, `properties.${name} is not a property APIM knows for this resource; it is kept, but APIM ignores it (a misspelling?)`));
    }
  }
}
