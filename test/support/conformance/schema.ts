// Converts swagger 2.0 (draft-04-ish, AutoRest-flavoured) schemas into JSON schemas ajv can compile, and
// compiles them lazily: only definitions reachable from a response that is actually validated are converted,
// and each compiled validator is cached for the lifetime of the process.
import { Ajv } from 'ajv';
import type { ErrorObject, SchemaObject, ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { ApimSpec, JsonObject, SchemaHandle } from './spec.ts';
import { isObject } from './spec.ts';

export interface SchemaOptions {
  /**
   * Reject properties a model does not declare (default true). Azure's own validator (oav) reports undeclared
   * response properties, and for an emulator they are almost always a typo the SDK would silently drop.
   */
  readonly rejectUndeclaredProperties?: boolean;
}

/** Formats ajv-formats implements; the rest (`arm-id`, `duration-constant`, …) are documentation only. */
const KNOWN_FORMATS = new Set([
  'date',
  'time',
  'date-time',
  'duration',
  'uri',
  'uri-reference',
  'url',
  'email',
  'hostname',
  'ipv4',
  'ipv6',
  'uuid',
  'byte',
  'int32',
  'int64',
  'float',
  'double',
]);

const JSON_TYPES = new Set(['string', 'number', 'integer', 'boolean', 'array', 'object', 'null']);

/** A definition's identity: absolute file + JSON pointer. */
type DefKey = string;

interface CollectedObject {
  readonly properties: Map<string, { node: unknown; file: string }>;
  readonly required: Set<string>;
  additional?: { node: unknown; file: string };
  hasObjectType: boolean;
}

/** ajv-formats is CommonJS; under NodeNext its default import is the module object carrying `default`. */
const addFormats = addFormatsModule.default;

export class SchemaCompiler {
  private readonly ajv: Ajv;
  private readonly rejectUndeclared: boolean;
  private readonly ids = new Map<DefKey, string>();
  private readonly pending: { key: DefKey; file: string; pointer: string; poly: boolean }[] = [];
  private readonly validators = new Map<string, ValidateFunction>();
  private nextId = 0;
  private subtypeIndex: Map<DefKey, { file: string; pointer: string; node: JsonObject }[]> | undefined;
  private readonly patternOk = new Map<string, boolean>();

  constructor(
    private readonly spec: ApimSpec,
    options: SchemaOptions = {},
  ) {
    this.rejectUndeclared = options.rejectUndeclaredProperties ?? true;
    this.ajv = new Ajv({
      allErrors: true,
      // Swagger patterns are written for .NET; without the `u` flag escapes such as `\-` stay legal.
      unicodeRegExp: false,
      strictSchema: true,
      strictTypes: false,
      strictTuples: false,
      strictRequired: false,
      validateFormats: true,
    });
    addFormats(this.ajv, { mode: 'full' });
  }

  /** Returns a cached validator for a raw swagger schema handle. */
  validator(handle: SchemaHandle, cacheKey: string): ValidateFunction {
    const cached = this.validators.get(cacheKey);
    if (cached) return cached;
    const root = this.convert(handle.schema, handle.file);
    this.drain();
    // A bare `$ref` to an already-registered definition reuses ajv's compiled function for that id.
    const ref = typeof root.$ref === 'string' && Object.keys(root).length === 1 ? root.$ref : undefined;
    const fn = ref !== undefined ? this.ajv.getSchema(ref) : this.ajv.compile(root);
    if (!fn) throw new Error(`could not compile schema ${cacheKey}`);
    this.validators.set(cacheKey, fn);
    return fn;
  }

  /** Number of swagger definitions converted so far (diagnostics). */
  get convertedDefinitions(): number {
    return this.ids.size;
  }

  private drain(): void {
    for (let item = this.pending.shift(); item; item = this.pending.shift()) {
      const target = this.spec.resolveRef(item.file, `#${item.pointer}`);
      const id = this.ids.get(item.key);
      if (id === undefined) throw new Error(`internal: no id for ${item.key}`);
      const schema = item.poly ? this.polymorphic(item.file, item.pointer, target.value) : this.convertNode(target.value, item.file);
      this.ajv.addSchema({ ...schema, $id: id });
    }
  }

  /** Refs to a definition become `{ $ref: id }`; a polymorphic base gets a dispatching schema of its own. */
  private refTo(file: string, pointer: string, node: unknown): string {
    return this.register(file, pointer, isObject(node) && this.isPolymorphic(file, pointer, node));
  }

  private concreteRef(file: string, pointer: string): string {
    return this.register(file, pointer, false);
  }

  /** Assigns an ajv `$id` to a definition once and queues its conversion for `drain`. */
  private register(file: string, pointer: string, poly: boolean): string {
    const key = `${file}#${pointer}${poly ? '|poly' : ''}`;
    let id = this.ids.get(key);
    if (id === undefined) {
      id = `https://apim-spec.invalid/s${this.nextId++}`;
      this.ids.set(key, id);
      this.pending.push({ key, file, pointer, poly });
    }
    return id;
  }

  private convert(node: unknown, file: string): SchemaObject {
    if (isObject(node) && typeof node.$ref === 'string') {
      const target = this.spec.resolveRef(file, node.$ref);
      return { $ref: this.refTo(target.file, target.pointer, target.value) };
    }
    return this.convertNode(node, file);
  }

  private convertNode(node: unknown, file: string): SchemaObject {
    if (!isObject(node)) return {};
    if (typeof node.$ref === 'string') return this.convert(node, file);
    const out: SchemaObject = {};
    const type = typeof node.type === 'string' && JSON_TYPES.has(node.type) ? node.type : undefined;

    if (Array.isArray(node.enum) && !isModelAsString(node)) out.enum = [...node.enum];
    if (typeof node.format === 'string' && KNOWN_FORMATS.has(node.format)) out.format = node.format;
    if (typeof node.pattern === 'string' && this.validPattern(node.pattern)) out.pattern = node.pattern;
    for (const k of ['minLength', 'maxLength', 'minItems', 'maxItems', 'multipleOf'] as const) {
      if (typeof node[k] === 'number') out[k] = node[k];
    }
    if (node.uniqueItems === true) out.uniqueItems = true;
    // Draft-04 `exclusiveMinimum: true` qualifies `minimum`; draft-07 wants the bound itself.
    if (typeof node.minimum === 'number') {
      if (node.exclusiveMinimum === true) out.exclusiveMinimum = node.minimum;
      else out.minimum = node.minimum;
    }
    if (typeof node.maximum === 'number') {
      if (node.exclusiveMaximum === true) out.exclusiveMaximum = node.maximum;
      else out.maximum = node.maximum;
    }

    if (type === 'array' || (type === undefined && node.items !== undefined)) {
      if (type) out.type = type;
      if (isObject(node.items)) out.items = this.withNullable(this.convert(node.items, file), node.items, file, false);
      return out;
    }

    const parts = Array.isArray(node.allOf) ? node.allOf : [];
    const isObjectLike =
      type === 'object' || isObject(node.properties) || node.additionalProperties !== undefined || parts.some((p) => this.isObjectSchema(file, p));
    if (!isObjectLike) {
      if (type) out.type = type;
      // allOf over scalar schemas (e.g. a `$ref` to a string enum plus a description) keeps plain allOf semantics.
      const scalars = parts.map((p) => this.convert(p, file)).filter((p) => Object.keys(p).length > 0);
      if (scalars.length > 0) out.allOf = scalars;
      return out;
    }

    // allOf is flattened into one object so that rejecting undeclared properties sees the inherited ones too
    // (plain JSON-schema allOf + additionalProperties:false would reject every inherited property).
    const collected: CollectedObject = { properties: new Map(), required: new Set(), hasObjectType: type === 'object' };
    this.collect(node, file, collected, new Set());
    out.type = 'object';
    if (collected.properties.size > 0) {
      const properties: Record<string, SchemaObject> = {};
      for (const [name, prop] of collected.properties) {
        properties[name] = this.withNullable(this.convert(prop.node, prop.file), prop.node, prop.file, !collected.required.has(name));
      }
      out.properties = properties;
    }
    if (collected.required.size > 0) out.required = [...collected.required];
    const additional = collected.additional;
    if (additional !== undefined) {
      if (additional.node === false) out.additionalProperties = false;
      else if (isObject(additional.node)) out.additionalProperties = this.convert(additional.node, additional.file);
    } else if (this.rejectUndeclared && collected.properties.size > 0) {
      out.additionalProperties = false;
    }
    return out;
  }

  private isObjectSchema(file: string, node: unknown, depth = 0): boolean {
    const target = this.spec.deref(file, node);
    const value = target.value;
    if (!isObject(value) || depth > 32) return false;
    if (value.type === 'object' || isObject(value.properties) || value.additionalProperties !== undefined) return true;
    return Array.isArray(value.allOf) && value.allOf.some((p) => this.isObjectSchema(target.file, p, depth + 1));
  }

  private collect(node: JsonObject, file: string, acc: CollectedObject, seen: Set<string>): void {
    if (Array.isArray(node.allOf)) {
      for (const part of node.allOf) {
        const target = this.spec.deref(file, part);
        const key = `${target.file}#${target.pointer}`;
        if (!isObject(target.value) || (target.pointer && seen.has(key))) continue;
        if (target.pointer) seen.add(key);
        this.collect(target.value, target.file, acc, seen);
      }
    }
    if (node.type === 'object') acc.hasObjectType = true;
    if (isObject(node.properties)) {
      for (const [name, prop] of Object.entries(node.properties)) acc.properties.set(name, { node: prop, file });
    }
    if (Array.isArray(node.required)) for (const r of node.required) if (typeof r === 'string') acc.required.add(r);
    if (node.additionalProperties !== undefined) acc.additional = { node: node.additionalProperties, file };
  }

  /**
   * AutoRest/oav nullability: a property that is not required may be `null` unless it says `x-nullable: false`;
   * a required one only with `x-nullable: true`. The flag may sit on the property or on the definition it refs.
   */
  private withNullable(schema: SchemaObject, raw: unknown, file: string, optional: boolean): SchemaObject {
    let flag: unknown = isObject(raw) ? raw['x-nullable'] : undefined;
    if (flag === undefined && isObject(raw) && typeof raw.$ref === 'string') {
      const target = this.spec.deref(file, raw);
      if (isObject(target.value)) flag = target.value['x-nullable'];
    }
    const nullable = flag === true || (optional && flag !== false);
    if (!nullable) return schema;
    if (typeof schema.type === 'string') {
      const widened: SchemaObject = { ...schema, type: [schema.type, 'null'] };
      if (Array.isArray(schema.enum)) widened.enum = [...(schema.enum as unknown[]), null];
      return widened;
    }
    // if/then/else rather than anyOf keeps the error list to the real mismatch instead of both branches.
    return { if: { type: 'null' }, then: true, else: schema };
  }

  private validPattern(pattern: string): boolean {
    let ok = this.patternOk.get(pattern);
    if (ok === undefined) {
      try {
        new RegExp(pattern);
        ok = true;
      } catch {
        ok = false;
      }
      this.patternOk.set(pattern, ok);
    }
    return ok;
  }

  // --- discriminator support -------------------------------------------------------------------------------

  /** A definition is polymorphic when it (or an ancestor) declares a discriminator and something derives from it. */
  private isPolymorphic(file: string, pointer: string, node: JsonObject): boolean {
    if (!pointer.startsWith('/definitions/')) return false;
    if (this.discriminatorOf(file, node, new Set()) === undefined) return false;
    return (this.subtypes().get(`${file}#${pointer}`) ?? []).length > 0;
  }

  private discriminatorOf(file: string, node: JsonObject, seen: Set<string>): string | undefined {
    if (typeof node.discriminator === 'string') return node.discriminator;
    if (!Array.isArray(node.allOf)) return undefined;
    for (const part of node.allOf) {
      const target = this.spec.deref(file, part);
      const key = `${target.file}#${target.pointer}`;
      if (!isObject(target.value) || seen.has(key)) continue;
      seen.add(key);
      const found = this.discriminatorOf(target.file, target.value, seen);
      if (found !== undefined) return found;
    }
    return undefined;
  }

  /** parent definition key → every definition deriving from it directly or transitively, across all files. */
  private subtypes(): Map<DefKey, { file: string; pointer: string; node: JsonObject }[]> {
    if (this.subtypeIndex) return this.subtypeIndex;
    const direct = new Map<DefKey, { file: string; pointer: string; node: JsonObject }[]>();
    for (const [file, doc] of this.spec.loadedDocuments()) {
      if (!isObject(doc.definitions)) continue;
      for (const [name, def] of Object.entries(doc.definitions)) {
        if (!isObject(def) || !Array.isArray(def.allOf)) continue;
        const pointer = `/definitions/${name.replace(/~/g, '~0').replace(/\//g, '~1')}`;
        for (const part of def.allOf) {
          if (!isObject(part) || typeof part.$ref !== 'string') continue;
          const parent = this.spec.resolveRef(file, part.$ref);
          const key = `${parent.file}#${parent.pointer}`;
          const list = direct.get(key) ?? [];
          list.push({ file, pointer, node: def });
          direct.set(key, list);
        }
      }
    }
    const all = new Map<DefKey, { file: string; pointer: string; node: JsonObject }[]>();
    for (const parent of direct.keys()) {
      const found: { file: string; pointer: string; node: JsonObject }[] = [];
      const seen = new Set<string>();
      const queue = [...(direct.get(parent) ?? [])];
      for (let item = queue.shift(); item; item = queue.shift()) {
        const key = `${item.file}#${item.pointer}`;
        if (seen.has(key)) continue;
        seen.add(key);
        found.push(item);
        queue.push(...(direct.get(key) ?? []));
      }
      all.set(parent, found);
    }
    this.subtypeIndex = all;
    return all;
  }

  /**
   * Chooses the concrete model by the discriminator value (`x-ms-discriminator-value`, else the definition
   * name), falling back to the base model itself for unknown or absent values, as AutoRest clients do.
   */
  private polymorphic(file: string, pointer: string, node: unknown): SchemaObject {
    if (!isObject(node)) return {};
    const property = this.discriminatorOf(file, node, new Set());
    if (property === undefined) return { $ref: this.concreteRef(file, pointer) };
    let schema: SchemaObject = { $ref: this.concreteRef(file, pointer) };
    const subs = [...(this.subtypes().get(`${file}#${pointer}`) ?? [])].reverse();
    for (const sub of subs) {
      const name = (sub.pointer.split('/').pop() ?? '').replace(/~1/g, '/').replace(/~0/g, '~');
      const value = typeof sub.node['x-ms-discriminator-value'] === 'string' ? sub.node['x-ms-discriminator-value'] : name;
      schema = {
        if: { type: 'object', required: [property], properties: { [property]: { const: value } } },
        then: { $ref: this.concreteRef(sub.file, sub.pointer) },
        else: schema,
      };
    }
    return schema;
  }
}

function isModelAsString(node: JsonObject): boolean {
  return isObject(node['x-ms-enum']) && node['x-ms-enum'].modelAsString === true;
}

/** Formats ajv errors as `<json path>: <message>` lines, dropping the `if`/`else` plumbing of nullable wrappers. */
export function formatAjvErrors(errors: readonly ErrorObject[] | null | undefined): string[] {
  if (!errors) return [];
  const out: string[] = [];
  for (const e of errors) {
    if (e.keyword === 'if') continue;
    const where = e.instancePath === '' ? '(body)' : e.instancePath;
    let message = e.message ?? e.keyword;
    const params: Record<string, unknown> = e.params;
    if (e.keyword === 'additionalProperties') message = `has undeclared property '${String(params.additionalProperty)}'`;
    else if (e.keyword === 'enum') message = `must be one of ${JSON.stringify(params.allowedValues)}`;
    else if (e.keyword === 'type') message = `must be ${String(params.type).split(',').join(' or ')}`;
    const line = `${where}: ${message}`;
    if (!out.includes(line)) out.push(line);
  }
  return out;
}
