// Validation against the JSON Schemas of schemas/, with errors turned into one plain sentence each, pointing at
// the offending property (a JSON pointer the caller maps to a line).
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ErrorObject, ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { allSchemaFiles, loadSchema } from '../../schemas/index.ts';

const addFormats = addFormatsModule.default;

export interface SchemaProblem {
  /** JSON pointer of the offending value (for a missing property: of the object that lacks it) */
  pointer: string;
  message: string;
}

let ajv: Ajv2020 | undefined;
const validators = new Map<string, ValidateFunction>();

function compiler(): Ajv2020 {
  if (!ajv) {
    // our own schemas are checked against the 2020-12 meta-schema by the tests (schemas.test.ts), not on every run:
    // compiling the meta-schema was a tenth of a cold validation
    ajv = new Ajv2020({ validateSchema: false, allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true });
    addFormats(ajv, ['uri']);
    for (const file of allSchemaFiles()) ajv.addSchema(loadSchema(file));
  }
  return ajv;
}

/** Validates `value` against a schema file of schemas/, or against one of its `$defs` (`fragment` = `properties`). */
export function checkSchema(file: string, value: unknown, fragment?: string): SchemaProblem[] {
  const id = `${loadSchema(file).$id}${fragment ? `#/$defs/${fragment}` : ''}`;
  let validate = validators.get(id);
  if (!validate) {
    validate = compiler().getSchema(id);
    if (!validate) throw new Error(`schema ${id} is not registered`);
    validators.set(id, validate);
  }
  if (validate(value)) return [];
  return describeErrors(validate.errors ?? []);
}

/** `/properties/protocols/0` → `properties.protocols[0]` */
export function pointerLabel(pointer: string): string {
  if (pointer === '') return 'the document';
  return pointer
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((acc, token) => (/^\d+$/.test(token) ? `${acc}[${token}]` : acc === '' ? token : `${acc}.${token}`), '');
}

function describeErrors(errors: readonly ErrorObject[]): SchemaProblem[] {
  // an enum written as anyOf [enum, case-insensitive pattern] fails as three errors; report it once
  const anyOfPaths = new Set(errors.filter((e) => e.keyword === 'anyOf').map((e) => e.instancePath));
  const problems: SchemaProblem[] = [];
  const seen = new Set<string>();
  for (const error of errors) {
    if (anyOfPaths.has(error.instancePath) && error.keyword !== 'anyOf') continue;
    const problem = describe(error, errors);
    const key = `${problem.pointer}\u0000${problem.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push(problem);
  }
  return problems;
}

function describe(error: ErrorObject, all: readonly ErrorObject[]): SchemaProblem {
  const where = pointerLabel(error.instancePath);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return { pointer: error.instancePath, message: `${where} is missing the required property '${String(params.missingProperty)}'` };
    case 'additionalProperties':
      return {
        pointer: `${error.instancePath}/${String(params.additionalProperty)}`,
        message: error.instancePath === '' ? `unknown top-level key '${String(params.additionalProperty)}'` : `${where} has the unknown property '${String(params.additionalProperty)}'`,
      };
    case 'type':
      return { pointer: error.instancePath, message: `${where} must be ${article(String(params.type))}` };
    case 'enum':
      return { pointer: error.instancePath, message: `${where} must be one of: ${(params.allowedValues as unknown[]).map(String).join(', ')}` };
    case 'anyOf': {
      const allowed = all.find((e) => e.instancePath === error.instancePath && e.keyword === 'enum');
      if (allowed) {
        const values = (allowed.params as { allowedValues: unknown[] }).allowedValues.map(String).join(', ');
        return { pointer: error.instancePath, message: `${where} must be one of: ${values}` };
      }
      const types = all.filter((e) => e.instancePath === error.instancePath && e.keyword === 'type').map((e) => String((e.params as { type: string }).type));
      if (types.length > 0) return { pointer: error.instancePath, message: `${where} must be ${types.map(article).join(' or ')}` };
      return { pointer: error.instancePath, message: `${where} does not match any allowed form` };
    }
    default:
      return { pointer: error.instancePath, message: `${where} ${error.message ?? 'is invalid'}` };
  }
}

function article(type: string): string {
  const map: Record<string, string> = {
    string: 'a string',
    object: 'an object',
    array: 'an array',
    integer: 'an integer',
    number: 'a number',
    boolean: 'true or false',
    null: 'null',
  };
  return type.split(',').map((t) => map[t] ?? t).join(' or ');
}
