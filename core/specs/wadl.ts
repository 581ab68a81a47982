// WADL → operations and back. A method's `id` names the operation (normalised like an operationId), nested
// resources concatenate their paths, `style="template"|"query"|"header"` parameters land where APIM keeps them,
// `resources/@base` is the service URL, and `grammars` become one `wadl.grammars+xml` schema.
import { SpecImportError } from './errors.ts';
import type { ExportInput } from './export-input.ts';
import { apiServerUrl } from './export-input.ts';
import {
  NameAllocator,
  generatedDisplayName,
  generatedOperationName,
  normalizeOperationName,
  schemaIdFor,
} from './names.ts';
import { placeParameters, splitTemplate, templateLocations } from './templates.ts';
import type { DeclaredParameter, ParameterLocation } from './templates.ts';
import { SCHEMA_CONTENT_TYPES } from './types.ts';
import type {
  ImportOptions,
  ImportedApi,
  OperationContract,
  ParameterContract,
  RepresentationContract,
  ResponseContract,
} from './types.ts';
import { attribute, childrenNamed, escapeXml, extractElements, firstChild, localName, parseXmlDocument } from './xml.ts';
import type { XmlElement } from './xml.ts';

const WADL_NS = 'http://wadl.dev.java.net/2009/02';

function joinPath(base: string, path: string | undefined): string {
  const segment = (path ?? '').replace(/^\/+/, '');
  if (segment === '') return base === '' ? '/' : base;
  return `${base.replace(/\/+$/, '')}/${segment}`;
}

function docOf(element: XmlElement): { title?: string; text?: string } {
  const doc = firstChild(element, 'doc');
  if (!doc) return {};
  const title = attribute(doc, 'title');
  const text = doc.text.trim();
  return { ...(title ? { title } : {}), ...(text ? { text } : {}) };
}

function parameter(element: XmlElement): DeclaredParameter | undefined {
  const name = attribute(element, 'name');
  const style = attribute(element, 'style');
  const location: ParameterLocation | undefined =
    style === 'template' ? 'path' : style === 'query' ? 'query' : style === 'header' ? 'header' : undefined;
  if (!name || !location) return undefined;
  const type = attribute(element, 'type');
  const description = docOf(element).text;
  const defaultValue = attribute(element, 'default');
  return {
    location,
    contract: {
      name,
      ...(description ? { description } : {}),
      type: type ? localName(type) : 'string',
      ...(defaultValue !== undefined ? { defaultValue } : {}),
      required: location === 'path' || attribute(element, 'required') === 'true',
      values: childrenNamed(element, 'option')
        .map((o) => attribute(o, 'value'))
        .filter((v): v is string => v !== undefined),
    },
  };
}

function representations(element: XmlElement | undefined, schemaId: string | undefined): RepresentationContract[] {
  if (!element) return [];
  return childrenNamed(element, 'representation').flatMap((r) => {
    const contentType = attribute(r, 'mediaType');
    if (!contentType) return [];
    const element = attribute(r, 'element');
    const typeName = element ? localName(element) : undefined;
    return [{ contentType, ...(typeName && schemaId ? { schemaId } : {}), ...(typeName ? { typeName } : {}) }];
  });
}

export function importWadl(text: string, options: ImportOptions): ImportedApi {
  const root = parseXmlDocument(text);
  if (localName(root.name) !== 'application') throw new SpecImportError(`Expected a WADL 'application' root element, found '${root.name}'.`);
  const grammars = extractElements(text, 'grammars');
  const schemaId = grammars.length > 0 ? schemaIdFor(SCHEMA_CONTENT_TYPES.wadl) : undefined;
  const names = new NameAllocator();
  const routes = new Set<string>();
  const operations: OperationContract[] = [];
  const allResources = childrenNamed(root, 'resources');

  const visit = (resource: XmlElement, base: string, inherited: DeclaredParameter[], where: string): void => {
    const path = joinPath(base, attribute(resource, 'path'));
    const own = childrenNamed(resource, 'param').map(parameter).filter((p): p is DeclaredParameter => p !== undefined);
    const scope = [...inherited, ...own];
    for (const method of childrenNamed(resource, 'method')) {
      const verb = (attribute(method, 'name') ?? '').toUpperCase();
      if (verb === '') throw new SpecImportError(`A method of resource '${path}' has no 'name'. [${where}]`);
      const request = firstChild(method, 'request');
      const requestParams = request ? childrenNamed(request, 'param') : [];
      // A query parameter with a `fixed` value is a literal part of the URL template (`/items?view=summary`).
      const fixed = requestParams
        .filter((p) => attribute(p, 'style') === 'query' && attribute(p, 'fixed') !== undefined)
        .map((p) => `${attribute(p, 'name') ?? ''}=${attribute(p, 'fixed') ?? ''}`);
      const declared = [
        ...scope,
        ...requestParams
          .filter((p) => attribute(p, 'fixed') === undefined)
          .map(parameter)
          .filter((p): p is DeclaredParameter => p !== undefined),
      ];
      const placed = placeParameters({
        path: fixed.length > 0 ? `${path}?${fixed.join('&')}` : path,
        declared,
        translateRequiredQuery: options.translateRequiredQueryParameters !== 'query',
        where,
      });
      const route = `${verb} ${placed.urlTemplate.toLowerCase()}`;
      if (routes.has(route)) throw new SpecImportError(`Operation with the same method and URL template already exists: ${verb}, ${placed.urlTemplate}`);
      routes.add(route);
      const id = attribute(method, 'id');
      const normalized = id ? normalizeOperationName(id) : '';
      const doc = docOf(method);
      const responses: ResponseContract[] = [];
      for (const response of childrenNamed(method, 'response')) {
        const statuses = (attribute(response, 'status') ?? '200').split(/\s+/).filter((s) => /^[1-5]\d\d$/.test(s));
        const description = docOf(response).text;
        const headers = childrenNamed(response, 'param')
          .map(parameter)
          .filter((p): p is DeclaredParameter => p?.location === 'header')
          .map((p) => p.contract);
        for (const status of statuses) {
          responses.push({
            statusCode: Number(status),
            ...(description ? { description } : {}),
            representations: representations(response, schemaId),
            headers,
          });
        }
      }
      const requestDescription = request ? docOf(request).text : undefined;
      operations.push({
        name: names.allocate(normalized !== '' ? normalized : generatedOperationName(verb, placed.urlTemplate)),
        properties: {
          displayName: (doc.title ?? id ?? generatedDisplayName(verb, placed.urlTemplate)).slice(0, 300),
          method: verb,
          urlTemplate: placed.urlTemplate,
          templateParameters: placed.templateParameters,
          ...(doc.text ? { description: doc.text } : {}),
          request: {
            ...(requestDescription ? { description: requestDescription } : {}),
            queryParameters: placed.queryParameters,
            headers: placed.headers,
            representations: representations(request, schemaId),
          },
          responses,
        },
      });
    }
    childrenNamed(resource, 'resource').forEach((child, i) => visit(child, path, scope, `${where}/resource[${i}]`));
  };

  allResources.forEach((resources, i) =>
    childrenNamed(resources, 'resource').forEach((resource, j) => visit(resource, '', [], `/application/resources[${i}]/resource[${j}]`)),
  );
  const doc = docOf(root);
  const serviceUrl = attribute(allResources[0], 'base');
  return {
    ...(doc.title ? { displayName: doc.title } : {}),
    ...(doc.text ? { description: doc.text } : {}),
    ...(serviceUrl ? { serviceUrl } : {}),
    apiType: 'http',
    operations,
    schemas: schemaId ? [{ id: schemaId, contentType: SCHEMA_CONTENT_TYPES.wadl, document: { value: grammars.join('\n') } }] : [],
    source: { kind: 'wadl', xml: text },
  };
}

function paramXml(p: ParameterContract, style: string, required: boolean, indent: string): string[] {
  const attrs = [
    `name="${escapeXml(p.name)}"`,
    `style="${style}"`,
    `type="xs:${escapeXml(p.type)}"`,
    ...(required ? ['required="true"'] : []),
    ...(p.defaultValue !== undefined ? [`default="${escapeXml(p.defaultValue)}"`] : []),
  ].join(' ');
  const inner = [
    ...(p.description ? [`${indent}  <doc>${escapeXml(p.description)}</doc>`] : []),
    ...(p.values ?? []).map((v) => `${indent}  <option value="${escapeXml(v)}" />`),
  ];
  return inner.length === 0 ? [`${indent}<param ${attrs} />`] : [`${indent}<param ${attrs}>`, ...inner, `${indent}</param>`];
}

function representationXml(r: RepresentationContract, indent: string): string {
  return `${indent}<representation mediaType="${escapeXml(r.contentType)}"${r.typeName ? ` element="${escapeXml(r.typeName)}"` : ''} />`;
}

/** A WADL generated from the operations (grammars carried over from an imported WADL), one resource per path. */
export function exportWadl(input: ExportInput): string {
  const props = input.api.properties;
  const title = typeof props.displayName === 'string' ? props.displayName : input.api.name;
  const description = typeof props.description === 'string' ? props.description : '';
  const lines = ['<?xml version="1.0" encoding="utf-8"?>', `<application xmlns="${WADL_NS}" xmlns:xs="http://www.w3.org/2001/XMLSchema">`];
  lines.push(description ? `  <doc title="${escapeXml(title)}">${escapeXml(description)}</doc>` : `  <doc title="${escapeXml(title)}" />`);
  if (input.source?.kind === 'wadl') {
    for (const grammar of extractElements(input.source.xml, 'grammars')) lines.push(`  ${grammar}`);
  }
  const url = apiServerUrl(input);
  lines.push(url ? `  <resources base="${escapeXml(url)}">` : '  <resources>');
  const byPath = new Map<string, OperationContract[]>();
  for (const op of input.operations) {
    const { path } = templateLocations(op.properties.urlTemplate, op.properties.templateParameters);
    byPath.set(path, [...(byPath.get(path) ?? []), op]);
  }
  for (const [path, operations] of byPath) {
    lines.push(`    <resource path="${escapeXml(path)}">`);
    for (const op of operations) {
      const p = op.properties;
      const { pathParameters, queryParameters } = templateLocations(p.urlTemplate, p.templateParameters);
      const literals = splitTemplate(p.urlTemplate).query.filter((q) => q.variable === '');
      lines.push(`      <method id="${escapeXml(op.name)}" name="${escapeXml(p.method)}">`);
      lines.push(p.description ? `        <doc title="${escapeXml(p.displayName)}">${escapeXml(p.description)}</doc>` : `        <doc title="${escapeXml(p.displayName)}" />`);
      const request = p.request;
      lines.push('        <request>');
      if (request?.description) lines.push(`          <doc>${escapeXml(request.description)}</doc>`);
      for (const t of pathParameters) lines.push(...paramXml(t, 'template', true, '          '));
      for (const l of literals) lines.push(`          <param name="${escapeXml(l.name)}" style="query" required="true" fixed="${escapeXml(l.value)}" />`);
      for (const q of queryParameters) lines.push(...paramXml(q, 'query', true, '          '));
      for (const q of request?.queryParameters ?? []) lines.push(...paramXml(q, 'query', q.required === true, '          '));
      for (const h of request?.headers ?? []) lines.push(...paramXml(h, 'header', h.required === true, '          '));
      for (const r of request?.representations ?? []) lines.push(representationXml(r, '          '));
      lines.push('        </request>');
      for (const response of p.responses) {
        lines.push(`        <response status="${response.statusCode}">`);
        if (response.description) lines.push(`          <doc>${escapeXml(response.description)}</doc>`);
        for (const h of response.headers ?? []) lines.push(...paramXml(h, 'header', h.required === true, '          '));
        for (const r of response.representations ?? []) lines.push(representationXml(r, '          '));
        lines.push('        </response>');
      }
      lines.push('      </method>');
    }
    lines.push('    </resource>');
  }
  lines.push('  </resources>');
  lines.push('</application>');
  return `${lines.join('\n')}\n`;
}
