// WSDL 1.1 → a SOAP pass-through API and back. Each operation of the selected binding becomes
// `POST /?soapAction=<action>` (ApiManagementGetApiOperation.json), its request and response described by the
// input and output messages (`IFazioService_CancelOrder_InputMessage`) and their element (`typeName`), and each
// XSD under `types` becomes an `application/vnd.ms-azure-apim.xsd+xml` schema.
import { SpecImportError } from './errors.ts';
import type { ExportInput } from './export-input.ts';
import { apiServerUrl } from './export-input.ts';
import { NameAllocator, normalizeOperationName, schemaIdFor } from './names.ts';
import { splitTemplate } from './templates.ts';
import { SCHEMA_CONTENT_TYPES } from './types.ts';
import type { ApiSchema, ImportOptions, ImportedApi, OperationContract, RepresentationContract } from './types.ts';
import {
  attribute,
  childrenNamed,
  escapeXml,
  extractElements,
  firstChild,
  localName,
  namespaceFor,
  parseXmlDocument,
  prefixOf,
} from './xml.ts';
import type { XmlElement } from './xml.ts';

const SOAP12_BINDING_NS = 'http://schemas.xmlsoap.org/wsdl/soap12/';
const SOAP11_BINDING_NS = 'http://schemas.xmlsoap.org/wsdl/soap/';

function byName(elements: XmlElement[], qualified: string | undefined): XmlElement | undefined {
  if (qualified === undefined) return undefined;
  const name = localName(qualified);
  return elements.find((e) => attribute(e, 'name') === name);
}

function documentation(element: XmlElement | undefined): string | undefined {
  const text = element ? firstChild(element, 'documentation')?.text.trim() : undefined;
  return text ? text : undefined;
}

/** The SOAP binding extension element and the SOAP version it declares, if the binding is SOAP at all. */
function soapVersion(binding: XmlElement, root: XmlElement): '1.1' | '1.2' | undefined {
  const extension = firstChild(binding, 'binding');
  if (!extension) return undefined;
  const ns = namespaceFor(prefixOf(extension.name), [extension, binding, root]);
  if (ns === SOAP12_BINDING_NS) return '1.2';
  if (ns === SOAP11_BINDING_NS || ns === undefined) return '1.1';
  return undefined;
}

function schemaFor(schemas: { schema: ApiSchema; text: string }[], element: string): string | undefined {
  const pattern = new RegExp(`<(?:[\\w.-]+:)?element\\b[^>]*\\bname\\s*=\\s*["']${element.replace(/[.]/g, '\\.')}["']`);
  return schemas.find((s) => pattern.test(s.text))?.schema.id;
}

export function importWsdl(text: string, options: ImportOptions): ImportedApi {
  const root = parseXmlDocument(text);
  if (localName(root.name) === 'description') {
    throw new SpecImportError('WSDL 2.0 documents are not supported; import a WSDL 1.1 document.');
  }
  if (localName(root.name) !== 'definitions') throw new SpecImportError(`Expected a WSDL 'definitions' root element, found '${root.name}'.`);
  if (childrenNamed(root, 'import').length > 0) throw new SpecImportError('wsdl:import is not supported; inline the imported documents.');

  const bindings = childrenNamed(root, 'binding');
  const portTypes = childrenNamed(root, 'portType');
  const messages = childrenNamed(root, 'message');
  const selector = options.wsdlSelector ?? {};
  const services = childrenNamed(root, 'service').filter((s) => !selector.wsdlServiceName || attribute(s, 'name') === selector.wsdlServiceName);
  let chosen: { service: XmlElement; port: XmlElement; binding: XmlElement; version: '1.1' | '1.2' } | undefined;
  for (const service of services) {
    for (const port of childrenNamed(service, 'port')) {
      if (selector.wsdlEndpointName && attribute(port, 'name') !== selector.wsdlEndpointName) continue;
      const binding = byName(bindings, attribute(port, 'binding'));
      const version = binding ? soapVersion(binding, root) : undefined;
      if (binding && version) {
        chosen = { service, port, binding, version };
        break;
      }
    }
    if (chosen) break;
  }
  if (!chosen) throw new SpecImportError('The WSDL document has no service with a SOAP endpoint to import.');

  const schemaTexts = extractElements(text, 'schema');
  const schemas = schemaTexts.map((schemaText, index) => ({
    text: schemaText,
    schema: {
      id: schemaIdFor(SCHEMA_CONTENT_TYPES.xsd, `${index}:${/targetNamespace\s*=\s*["']([^"']*)["']/.exec(schemaText)?.[1] ?? ''}`),
      contentType: SCHEMA_CONTENT_TYPES.xsd,
      document: { value: schemaText },
    },
  }));
  const contentType = chosen.version === '1.2' ? 'application/soap+xml' : 'text/xml';
  const portType = byName(portTypes, attribute(chosen.binding, 'type'));
  const names = new NameAllocator();
  const operations: OperationContract[] = [];

  const message = (direction: XmlElement | undefined): { name?: string; representation?: RepresentationContract } => {
    const qualified = attribute(direction, 'message');
    const found = byName(messages, qualified);
    if (!qualified || !found) return {};
    const part = firstChild(found, 'part');
    const element = attribute(part, 'element') ?? attribute(part, 'type');
    const typeName = element ? localName(element) : undefined;
    const schemaId = typeName ? schemaFor(schemas, typeName) : undefined;
    return {
      name: localName(qualified),
      representation: { contentType, ...(schemaId ? { schemaId } : {}), ...(typeName ? { typeName } : {}) },
    };
  };

  for (const bindingOperation of childrenNamed(chosen.binding, 'operation')) {
    const name = attribute(bindingOperation, 'name');
    if (!name) continue;
    const action = attribute(firstChild(bindingOperation, 'operation'), 'soapAction') ?? '';
    const abstract = portType ? byName(childrenNamed(portType, 'operation'), name) : undefined;
    const input = message(abstract ? firstChild(abstract, 'input') : undefined);
    const output = message(abstract ? firstChild(abstract, 'output') : undefined);
    const description = documentation(abstract);
    operations.push({
      name: names.allocate(normalizeOperationName(name) || 'operation'),
      properties: {
        displayName: name,
        method: 'POST',
        urlTemplate: `/?soapAction=${action === '' ? name : action}`,
        templateParameters: [],
        ...(description ? { description } : {}),
        request: {
          ...(input.name ? { description: input.name } : {}),
          queryParameters: [],
          headers: [],
          representations: input.representation ? [input.representation] : [],
        },
        responses: [
          {
            statusCode: 200,
            ...(output.name ? { description: output.name } : {}),
            representations: output.representation ? [output.representation] : [],
            headers: [],
          },
        ],
      },
    });
  }

  const description = documentation(root) ?? documentation(chosen.service);
  const serviceUrl = attribute(firstChild(chosen.port, 'address'), 'location');
  return {
    displayName: attribute(chosen.service, 'name'),
    ...(description ? { description } : {}),
    ...(serviceUrl ? { serviceUrl } : {}),
    apiType: 'soap',
    operations,
    schemas: schemas.map((s) => s.schema),
    source: { kind: 'wsdl', xml: text },
  };
}

/** The soapAction value of a `/?soapAction=<action>` template (actions are URIs and may contain `=`). */
function decodeAction(urlTemplate: string): string {
  return /[?&]soapAction=([^&]*)/.exec(urlTemplate)?.[1] ?? '';
}

function ncName(value: string, fallback: string): string {
  const cleaned = value.replace(/[^A-Za-z0-9_.-]/g, '');
  return /^[A-Za-z_]/.test(cleaned) ? cleaned : fallback;
}

/**
 * A WSDL for the API. An API imported from WSDL gets its document back as imported (the operations cannot
 * express bindings, faults or schemas); otherwise one document/literal SOAP 1.1 binding is generated with an
 * operation per `/?soapAction=` operation.
 */
export function exportWsdl(input: ExportInput): string {
  if (input.source?.kind === 'wsdl') return input.source.xml;
  const props = input.api.properties;
  const service = ncName(typeof props.displayName === 'string' ? props.displayName : input.api.name, 'Service');
  const tns = 'http://tempuri.org/';
  const lines: string[] = ['<?xml version="1.0" encoding="utf-8"?>'];
  lines.push(
    `<wsdl:definitions xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/" xmlns:soap="${SOAP11_BINDING_NS}" xmlns:tns="${tns}" targetNamespace="${tns}">`,
  );
  if (typeof props.description === 'string' && props.description !== '') {
    lines.push(`  <wsdl:documentation>${escapeXml(props.description)}</wsdl:documentation>`);
  }
  const operations = input.operations.map((op, index) => {
    const name = ncName(op.properties.displayName, `Operation${index + 1}`);
    const response = op.properties.responses.find((r) => r.statusCode === 200) ?? op.properties.responses[0];
    const action = splitTemplate(op.properties.urlTemplate).query.find((q) => q.name === 'soapAction');
    return {
      op,
      name,
      action: action && action.variable === '' ? decodeAction(op.properties.urlTemplate) : name,
      input: ncName(op.properties.request?.description ?? '', `${name}Request`),
      output: ncName(response?.description ?? '', `${name}Response`),
      inputElement: op.properties.request?.representations?.[0]?.typeName,
      outputElement: response?.representations?.[0]?.typeName,
    };
  });
  const declared = new Set<string>();
  for (const o of operations) {
    for (const [messageName, element] of [
      [o.input, o.inputElement],
      [o.output, o.outputElement],
    ] as const) {
      if (declared.has(messageName)) continue;
      declared.add(messageName);
      lines.push(`  <wsdl:message name="${escapeXml(messageName)}">`);
      if (element) lines.push(`    <wsdl:part name="parameters" element="tns:${escapeXml(element)}" />`);
      lines.push('  </wsdl:message>');
    }
  }
  lines.push(`  <wsdl:portType name="${service}PortType">`);
  for (const o of operations) {
    lines.push(`    <wsdl:operation name="${escapeXml(o.name)}">`);
    if (o.op.properties.description) lines.push(`      <wsdl:documentation>${escapeXml(o.op.properties.description)}</wsdl:documentation>`);
    lines.push(`      <wsdl:input message="tns:${escapeXml(o.input)}" />`);
    lines.push(`      <wsdl:output message="tns:${escapeXml(o.output)}" />`);
    lines.push('    </wsdl:operation>');
  }
  lines.push('  </wsdl:portType>');
  lines.push(`  <wsdl:binding name="${service}Binding" type="tns:${service}PortType">`);
  lines.push('    <soap:binding transport="http://schemas.xmlsoap.org/soap/http" />');
  for (const o of operations) {
    lines.push(`    <wsdl:operation name="${escapeXml(o.name)}">`);
    lines.push(`      <soap:operation soapAction="${escapeXml(o.action)}" style="document" />`);
    lines.push('      <wsdl:input><soap:body use="literal" /></wsdl:input>');
    lines.push('      <wsdl:output><soap:body use="literal" /></wsdl:output>');
    lines.push('    </wsdl:operation>');
  }
  lines.push('  </wsdl:binding>');
  lines.push(`  <wsdl:service name="${service}">`);
  lines.push(`    <wsdl:port name="${service}Port" binding="tns:${service}Binding">`);
  lines.push(`      <soap:address location="${escapeXml(apiServerUrl(input) ?? '')}" />`);
  lines.push('    </wsdl:port>');
  lines.push('  </wsdl:service>');
  lines.push('</wsdl:definitions>');
  return `${lines.join('\n')}\n`;
}
