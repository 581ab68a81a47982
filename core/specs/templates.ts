// URL templates and parameter placement shared by the OpenAPI and WADL importers and exporters.
import { SpecImportError } from './errors.ts';
import type { ParameterContract } from './types.ts';

export type ParameterLocation = 'path' | 'query' | 'header';

export interface DeclaredParameter {
  location: ParameterLocation;
  contract: ParameterContract;
}

export interface PlacedParameters {
  urlTemplate: string;
  templateParameters: ParameterContract[];
  queryParameters: ParameterContract[];
  headers: ParameterContract[];
}

export interface QueryPart {
  name: string;
  /** The value as written: `{var}` for a template variable, anything else is a literal (`view=summary`). */
  value: string;
  /** The template variable, '' for a literal. */
  variable: string;
  /** The pair exactly as written. */
  raw: string;
}

export function splitTemplate(urlTemplate: string): { path: string; query: QueryPart[] } {
  const q = urlTemplate.indexOf('?');
  if (q < 0) return { path: urlTemplate, query: [] };
  const query = urlTemplate
    .slice(q + 1)
    .split('&')
    .filter((pair) => pair !== '')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const name = eq < 0 ? pair : pair.slice(0, eq);
      const value = eq < 0 ? '' : pair.slice(eq + 1);
      const variable = /^\{([^{}]+)\}$/.exec(value)?.[1] ?? '';
      return { name, value, variable, raw: pair };
    });
  return { path: urlTemplate.slice(0, q), query };
}

export function pathVariables(path: string): string[] {
  return [...path.matchAll(/\{([^{}]+)\}/g)].map((m) => m[1] as string);
}

/**
 * Where each declared parameter ends up in APIM's model. Path variables become template parameters (in URL
 * order); by default APIM also turns *required* query parameters into template parameters appended to the URL
 * template (`translateRequiredQueryParameters: template`), and it requires template parameter names to be
 * unique across the whole template, case-insensitively.
 */
export function placeParameters(options: {
  path: string;
  declared: DeclaredParameter[];
  translateRequiredQuery: boolean;
  where: string;
}): PlacedParameters {
  const { path: written, query: writtenQuery } = splitTemplate(options.path);
  const byLocation = (location: ParameterLocation) => options.declared.filter((d) => d.location === location);
  const templateParameters: ParameterContract[] = [];
  const seen = new Set<string>();
  const claim = (name: string): void => {
    const key = name.toLowerCase();
    if (seen.has(key)) {
      throw new SpecImportError(`Template parameter names must be unique within the URL template; '${name}' appears twice. [${options.where}]`);
    }
    seen.add(key);
  };

  const pathDeclared = byLocation('path');
  const variables = pathVariables(written);
  for (const declared of pathDeclared) {
    if (!variables.includes(declared.contract.name)) {
      throw new SpecImportError(`Parameter '${declared.contract.name}' is defined but is not part of the URL template '${written}'. [${options.where}]`);
    }
  }
  for (const variable of variables) {
    claim(variable);
    const declared = pathDeclared.find((d) => d.contract.name === variable)?.contract;
    templateParameters.push({ ...(declared ?? { name: variable, type: 'string', values: [] }), required: true });
  }

  const queryDeclared = byLocation('query');
  const queryTemplate: string[] = [];
  for (const pair of writtenQuery) {
    if (pair.variable === '') {
      // A literal query part (x-ms-paths `/items?view=summary`) discriminates the operation; it stays as written.
      queryTemplate.push(pair.raw);
      continue;
    }
    claim(pair.variable);
    const declared = queryDeclared.find((d) => d.contract.name === pair.name || d.contract.name === pair.variable)?.contract;
    templateParameters.push({ ...(declared ?? { name: pair.variable, type: 'string', values: [] }), name: pair.variable, required: true });
    queryTemplate.push(`${pair.name}={${pair.variable}}`);
  }
  const inTemplate = new Set(writtenQuery.filter((p) => p.variable !== '').map((p) => p.name));
  const queryParameters: ParameterContract[] = [];
  for (const { contract } of queryDeclared) {
    if (inTemplate.has(contract.name)) continue;
    if (options.translateRequiredQuery && contract.required === true) {
      claim(contract.name);
      templateParameters.push({ ...contract, required: true });
      queryTemplate.push(`${contract.name}={${contract.name}}`);
    } else {
      queryParameters.push(contract);
    }
  }
  const urlTemplate = queryTemplate.length > 0 ? `${written}?${queryTemplate.join('&')}` : written;
  return { urlTemplate, templateParameters, queryParameters, headers: byLocation('header').map((d) => d.contract) };
}

/** Template parameters split back into the path variables and the `?name={var}` query part of a URL template. */
export function templateLocations(urlTemplate: string, templateParameters: ParameterContract[]): {
  path: string;
  /** Literal query parts make the template inexpressible as a plain OpenAPI path. */
  hasLiteralQuery: boolean;
  pathParameters: ParameterContract[];
  queryParameters: ParameterContract[];
} {
  const { path, query } = splitTemplate(urlTemplate);
  const find = (name: string): ParameterContract =>
    templateParameters.find((p) => p.name === name) ?? { name, type: 'string', required: true, values: [] };
  return {
    path,
    hasLiteralQuery: query.some((q) => q.variable === ''),
    pathParameters: pathVariables(path).map(find),
    queryParameters: query.filter((q) => q.variable !== '').map((q) => ({ ...find(q.variable), name: q.name })),
  };
}

/** Typed form of a string default or enum value, for documents whose schemas are typed. */
export function typedValue(value: string, type: string): unknown {
  if ((type === 'integer' || type === 'number') && value.trim() !== '' && String(Number(value)) === value) return Number(value);
  if (type === 'boolean' && (value === 'true' || value === 'false')) return value === 'true';
  return value;
}

export function stringValue(value: unknown): string {
  return typeof value === 'string' ? value : typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
}
