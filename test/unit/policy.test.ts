import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  canonicalPolicy,
  checkPolicyXml,
  fromXmlFormat,
  namedValueTokens,
  policyReferences,
  toXmlFormat,
} from '../../core/policy.ts';

const shared = fileURLToPath(new URL('../../../shared/', import.meta.url));
const samples = join(shared, 'apiops-samples');
const examples = join(shared, 'apim-rest', 'examples');

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

/** Every `properties.value` string in an example file: request bodies and response bodies (also in lists). */
function exampleValues(file: string): { where: string; value: string }[] {
  const found: { where: string; value: string }[] = [];
  const visit = (node: unknown, where: string): void => {
    if (Array.isArray(node)) node.forEach((item, i) => visit(item, `${where}[${i}]`));
    else if (typeof node === 'object' && node !== null) {
      for (const [key, child] of Object.entries(node)) {
        if (key === 'properties' && typeof child === 'object' && child !== null && typeof (child as { value?: unknown }).value === 'string') {
          found.push({ where: `${where}.properties`, value: (child as { value: string }).value });
        }
        visit(child, `${where}.${key}`);
      }
    }
  };
  visit(JSON.parse(readFileSync(file, 'utf8')), '$');
  return found;
}

function exampleValue(name: string, path: string[]): string {
  let value: unknown = JSON.parse(readFileSync(join(examples, name), 'utf8'));
  for (const key of path) value = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
  if (typeof value !== 'string') throw new Error(`no policy value at ${path.join('.')} in ${name}`);
  return value;
}

const rawFormatExample = exampleValue('ApiManagementGetPolicyFormat.json', ['responses', '200', 'body', 'properties', 'value']);
const xmlFormatExample = exampleValue('ApiManagementGetApiPolicy.json', ['responses', '200', 'body', 'properties', 'value']);
const nonEncodedRequest = exampleValue('ApiManagementCreateApiPolicyNonXmlEncoded.json', ['parameters', 'parameters', 'properties', 'value']);
const nonEncodedResponse = exampleValue('ApiManagementCreateApiPolicyNonXmlEncoded.json', ['responses', '201', 'body', 'properties', 'value']);

describe('checkPolicyXml accepts real policies', () => {
  const policyFiles = walk(samples).filter((f) => f.endsWith('policy.xml'));

  it('finds the APIOps sample policies', () => {
    expect(policyFiles.length).toBeGreaterThanOrEqual(20);
  });

  it.each(policyFiles.map((f) => [relative(samples, f), f]))('APIOps sample %s', (_name, file) => {
    const fragment = file.includes(`${join('policy fragments')}`);
    expect(checkPolicyXml(readFileSync(file, 'utf8'), { fragment })).toEqual({ ok: true });
  });

  const exampleFiles = readdirSync(examples).filter((f) => /Polic/.test(f));
  const values = exampleFiles.flatMap((file) => exampleValues(join(examples, file)).map((v) => ({ file, ...v })));
  // APIM answers a fragment PUT with the body *without* its <fragment> wrapper (GET returns it wrapped);
  // those bodies are not documents anyone submits.
  const unwrappedFragmentEcho = (v: { file: string; value: string }) => /Fragment/.test(v.file) && !v.value.trimStart().startsWith('<fragment');

  it.each(values.filter((v) => !unwrappedFragmentEcho(v)).map((v) => [`${v.file} ${v.where}`, v]))('REST example %s', (_name, v) => {
    expect(checkPolicyXml(v.value, { fragment: /Fragment/.test(v.file) })).toEqual({ ok: true });
  });

  it('sees the unwrapped fragment echo for what it is', () => {
    const echoes = values.filter(unwrappedFragmentEcho);
    expect(echoes.length).toBeGreaterThan(0);
    for (const echo of echoes) expect(checkPolicyXml(echo.value, { fragment: true })).toMatchObject({ ok: false, line: 1, column: 2 });
  });

  const kit = join(samples, 'Azure-azure-api-management-devops-resource-kit@2f0a63a/tests/ArmTemplates.Tests/Resources/ApiClientJsonResponses');
  const kitValues = readdirSync(kit)
    .filter((f) => /Polic.*success/.test(f))
    .flatMap((file) => exampleValues(join(kit, file)).map((v) => ({ file, ...v })));

  it.each(kitValues.map((v) => [`${v.file} ${v.where}`, v]))('ARM response %s', (_name, v) => {
    expect(checkPolicyXml(v.value, { fragment: /Fragment/.test(v.file) })).toEqual({ ok: true });
  });
});

describe('checkPolicyXml masks C# expressions the way rawxml allows', () => {
  const wrap = (inner: string) => `<policies>\n  <inbound>\n    ${inner}\n  </inbound>\n</policies>`;
  it.each([
    ['comparison and generics in an attribute', wrap('<choose><when condition="@(context.Variables.GetValueOrDefault<int>("n") > 1 && true)" /></choose>')],
    ['the attribute quote inside a string', wrap('<set-variable name="v" value="@(context.Request.Headers.GetValueOrDefault("Accept", ""))" />')],
    ['a closing paren inside a string', wrap('<set-variable name="v" value="@("(" + ")")" />')],
    ['char literals with brackets and quotes', wrap(`<set-variable name="v" value="@(')' == '"' ? '<' : '\\'')" />`)],
    ['verbatim strings with doubled quotes', wrap('<set-body>@{ return @"say ""hi)"" </set-body>"; }</set-body>')],
    ['interpolated strings with nested strings', wrap('<set-body>@($"{context.Request.Headers.GetValueOrDefault("a", "}")} {{literal}}")</set-body>')],
    ['comments inside a code block', wrap('<set-body>@{\n  // a } in a comment\n  /* and ) here */\n  return "x";\n}</set-body>')],
    ['an end tag inside a string', wrap('<set-body>@("</set-body>")</set-body>')],
    ['an expression embedded in text', wrap('<set-header name="x" exists-action="override"><value>"@(context.Request.Headers.FirstOrDefault(h => h.Key=="Via"))" </value></set-header>')],
    ['the format=xml escaped form', wrap('<set-variable name="v" value="@(context.Request.Method == &quot;)&quot; ? 1 : 2)" />')],
    ['CDATA and comments that look like markup', wrap('<set-body><![CDATA[<not-an-element & >]]></set-body><!-- <inbound> -->')],
    ['an XML declaration and a BOM', `\ufeff<?xml version="1.0" encoding="utf-8"?>\n${wrap('<base />')}`],
  ])('%s', (_name, xml) => {
    expect(checkPolicyXml(xml)).toEqual({ ok: true });
  });
});

describe('checkPolicyXml reports where the document is broken', () => {
  it.each([
    ['a mismatched end tag', '<policies>\n  <inbound>\n    <base />\n  </outbound>\n</policies>', 4, 5, "The 'inbound' start tag on line 2 position 4 does not match the end tag of 'outbound'."],
    ['elements left open', '<policies>\n  <inbound>\n', 3, 1, 'The following elements are not closed: inbound, policies.'],
    ['a bare ampersand in text', '<policies>\n  <inbound>a & b</inbound>\n</policies>', 2, 14, 'EntityName'],
    ['an undeclared entity', '<policies>\n\t<inbound>&nbsp;</inbound>\n</policies>', 2, 11, "undeclared entity 'nbsp'"],
    ['a < in an attribute value', '<policies>\n  <set-header name="a<b" />\n</policies>', 2, 22, 'invalid attribute character'],
    ['a duplicate attribute', '<policies>\n  <set-header name="a" name="b" />\n</policies>', 2, 24, "'name' is a duplicate attribute name."],
    ['attributes without white space between them', '<policies>\n  <a b="1"c="2" />\n</policies>', 2, 11, 'Expecting white space'],
    ['an unquoted attribute, counting CRLF as one line break', '<policies>\r\n  <inbound>\r\n    <x y=z />\r\n  </inbound>\r\n</policies>', 3, 10, 'unexpected token'],
    ['two root elements', '<policies />\n<policies />', 2, 2, 'multiple root elements'],
    ['text before the root', 'hello <policies />', 1, 1, 'Data at the root level is invalid.'],
    ["'--' inside a comment", '<policies>\n<!-- a -- b -->\n</policies>', 2, 8, "cannot contain '--'"],
    ['an expression that never closes', '<policies>\n  <inbound>\n    <set-body>@(context.Request.Body.As<string>(</set-body>\n  </inbound>\n</policies>', 3, 15, 'not terminated'],
    ['a DTD', '<!DOCTYPE policies>\n<policies />', 1, 1, 'DTD is prohibited'],
    ['an empty document', '', 1, 1, 'Root element is missing.'],
    ['a control character', '<policies>\n  <inbound>\u0001</inbound>\n</policies>', 2, 12, 'hexadecimal value 0x01, is an invalid character.'],
    ['a lone surrogate', '<policies><inbound>\ud83d</inbound></policies>', 1, 20, 'is an invalid character.'],
    ['the wrong root element', '<!-- note -->\n<polices>\n</polices>', 2, 2, 'The root element must be <policies>, found <polices>.'],
  ])('%s', (_name, xml, line, column, message) => {
    const result = checkPolicyXml(xml);
    expect(result).toMatchObject({ ok: false, line, column });
    expect(result.ok ? '' : result.message).toContain(message);
  });

  it('requires <fragment> as the root of a fragment and <policies> otherwise', () => {
    expect(checkPolicyXml('<fragment><base /></fragment>', { fragment: true })).toEqual({ ok: true });
    expect(checkPolicyXml('<policies />', { fragment: true })).toMatchObject({ ok: false, line: 1, column: 2 });
    expect(checkPolicyXml('<fragment />')).toMatchObject({ ok: false, message: 'The root element must be <policies>, found <fragment>.' });
  });
});

describe('namedValueTokens', () => {
  it.each([
    ['a plain token', 'x {{backend-url}} y', ['backend-url']],
    ['every character APIM allows in a name', '{{Logger-Credentials_5b1a.17ef}}', ['Logger-Credentials_5b1a.17ef']],
    ['unique, in first-seen order', '{{b}} {{a}} {{b}}', ['b', 'a']],
    ['spaces are not part of a name', '{{ a }} {{a b}}', []],
    ['the innermost braces of extra braces', '{{{x}}}', ['x']],
    ['nothing in plain text', 'no tokens { here } {{}}', []],
  ])('finds %s', (_name, text, expected) => {
    expect(namedValueTokens(text)).toEqual(expected);
  });
});

describe('policyReferences', () => {
  const everything = [
    '<!-- {{in-a-comment}} -->',
    '<policies>',
    '  <inbound>',
    '    <include-fragment fragment-id="auth-fragment" />',
    '    <include-fragment fragment-id=\'cors-fragment\' />',
    '    <include-fragment fragment-id="auth-fragment" />',
    '    <set-backend-service backend-id="orders-backend" />',
    '    <set-backend-service base-url="{{fallback-url}}" />',
    '    <set-backend-service backend-id="@(context.Variables.GetValueOrDefault<string>("backend"))" />',
    '    <set-backend-service backend-id="{{backend-by-name}}" />',
    '    <set-header name="x-key" exists-action="override"><value>{{api-key}}</value></set-header>',
    '    <set-body>@{ return "<include-fragment fragment-id=\\"not-a-reference\\" />" + "{{in-an-expression}}"; }</set-body>',
    '  </inbound>',
    '  <outbound>',
    '    <log-to-eventhub logger-id="audit-hub" partition-key="@(context.Subscription.Id)">@(context.RequestId)</log-to-eventhub>',
    '  </outbound>',
    '</policies>',
  ].join('\n');

  it('finds every kind of reference once, in document order', () => {
    expect(policyReferences(everything)).toEqual({
      namedValues: ['in-a-comment', 'fallback-url', 'backend-by-name', 'api-key', 'in-an-expression'],
      fragments: ['auth-fragment', 'cors-fragment'],
      backends: ['orders-backend'],
      loggers: ['audit-hub'],
    });
  });

  it('reads entity-escaped ids', () => {
    expect(policyReferences('<policies><inbound><include-fragment fragment-id="a&amp;b" /></inbound></policies>').fragments).toEqual(['a&b']);
  });

  it('still lists the references of a document that does not parse', () => {
    const broken = '<policies><inbound><include-fragment fragment-id="f1" /><set-backend-service backend-id="b1" /><log-to-eventhub logger-id="l1">{{nv}}</inbound>';
    expect(policyReferences(broken)).toEqual({ namedValues: ['nv'], fragments: ['f1'], backends: ['b1'], loggers: ['l1'] });
  });

  it('reads the references of the REST examples', () => {
    const product = exampleValue('ApiManagementCreateProductPolicy.json', ['parameters', 'parameters', 'properties', 'value']);
    expect(policyReferences(product)).toEqual({ namedValues: ['call-count'], fragments: [], backends: [], loggers: ['16'] });
    expect(policyReferences(xmlFormatExample).loggers).toEqual(['apimService1']);
  });
});

describe('toXmlFormat / fromXmlFormat', () => {
  it('escapes expressions in element text the way APIM does for format=xml (quotes stay)', () => {
    const escaped = toXmlFormat(nonEncodedRequest);
    const valueLine = (xml: string) => /<value>.*<\/value>/.exec(xml)?.[0];
    expect(valueLine(escaped)).toBe(valueLine(nonEncodedResponse));
    expect(valueLine(escaped)).toBe('<value>"@(context.Request.Headers.FirstOrDefault(h =&gt; h.Ke=="Via"))" </value>');
  });

  it('escapes the rawxml example and leaves everything outside expressions byte-identical', () => {
    const escaped = toXmlFormat(rawFormatExample);
    expect(escaped).toContain('bytes[5] = (byte)(time &gt;&gt; 40);');
    expect(escaped.replace(/&gt;/g, '>')).toBe(rawFormatExample);
    // The comment mentions <inbound> and must not be touched.
    expect(escaped.startsWith(rawFormatExample.slice(0, rawFormatExample.indexOf('-->') + 3))).toBe(true);
  });

  it('escapes the delimiting quote inside attribute expressions', () => {
    const raw = '<policies><inbound><quota-by-key calls="1" counter-key="k" increment-count="@(context.Request.Method == "POST" ? 1:2)" /></inbound></policies>';
    const productRequest = exampleValue('ApiManagementCreateProductPolicy.json', ['parameters', 'parameters', 'properties', 'value']);
    expect(toXmlFormat(raw)).toContain('increment-count="@(context.Request.Method == &quot;POST&quot; ? 1:2)"');
    expect(productRequest).toContain('increment-count="@(context.Request.Method == &quot;POST&quot; ? 1:2)"');
    expect(fromXmlFormat(toXmlFormat(raw))).toBe(raw);
  });

  it('turns the format=xml example back into rawxml and round-trips', () => {
    const raw = fromXmlFormat(xmlFormatExample);
    expect(raw).toContain('.Select(s => s[Random.Next(s.Length)])');
    expect(checkPolicyXml(raw)).toEqual({ ok: true });
    expect(toXmlFormat(raw)).toBe(xmlFormatExample);
  });

  it.each([rawFormatExample, xmlFormatExample, nonEncodedRequest, nonEncodedResponse])('is idempotent (%#)', (xml) => {
    expect(toXmlFormat(toXmlFormat(xml))).toBe(toXmlFormat(xml));
    expect(fromXmlFormat(fromXmlFormat(xml))).toBe(fromXmlFormat(xml));
  });

  it('leaves an unreadable document alone', () => {
    expect(toXmlFormat('<policies><inbound>')).toBe('<policies><inbound>');
    expect(fromXmlFormat('not xml')).toBe('not xml');
  });
});

describe('canonicalPolicy', () => {
  const base = [
    '<policies>',
    '\t<inbound>',
    '\t\t<set-header name="X-Api" exists-action="override">',
    '\t\t\t<value>basic &amp; api</value>',
    '\t\t</set-header>',
    '\t\t<set-variable name="v" value="@(context.Request.Headers.GetValueOrDefault(&quot;a&quot;, &quot;&lt;&quot;))" />',
    '\t\t<base />',
    '\t</inbound>',
    '\t<outbound></outbound>',
    '</policies>',
  ].join('\n');

  it.each([
    ['re-indented with spaces', base.replace(/\t/g, '    ')],
    ['on one line', base.replace(/\n\t*/g, '')],
    ['with CRLF line endings', base.replace(/\n/g, '\r\n')],
    ['with attributes reordered and single-quoted', base.replace('name="X-Api" exists-action="override"', "exists-action='override' name='X-Api'")],
    ['with <x></x> for <x />', base.replace('<base />', '<base></base>').replace('<outbound></outbound>', '<outbound />')],
    ['with whitespace-only content in an empty element', base.replace('<outbound></outbound>', '<outbound>\n\t</outbound>')],
    ['with character references for plain characters', base.replace('X-Api', 'X&#x2D;&#65;pi')],
    ['with CDATA instead of escaping', base.replace('basic &amp; api', '<![CDATA[basic & api]]>')],
    ['with the expression in rawxml form', base.replace('@(context.Request.Headers.GetValueOrDefault(&quot;a&quot;, &quot;&lt;&quot;))', '@(context.Request.Headers.GetValueOrDefault("a", "<"))')],
    ['with an XML declaration', `<?xml version="1.0" encoding="utf-8"?>\n${base}`],
  ])('is unchanged %s', (_name, variant) => {
    expect(canonicalPolicy(variant)).toBe(canonicalPolicy(base));
  });

  it.each([
    ['an attribute value changes', base.replace('exists-action="override"', 'exists-action="append"')],
    ['an attribute is added', base.replace('<base />', '<base x="1" />')],
    ['text changes', base.replace('basic &amp; api', 'basic and api')],
    ['an expression changes', base.replace('&quot;a&quot;', '&quot;b&quot;')],
    ['elements are reordered', base.replace('<set-variable', '<base /><set-variable').replace(/\/>\n\t\t<base \/>/, '/>')],
    ['a comment is added', base.replace('<base />', '<!-- keep --><base />')],
  ])('changes when %s', (_name, variant) => {
    expect(canonicalPolicy(variant)).not.toBe(canonicalPolicy(base));
  });

  it('pretty-prints with two spaces, LF, sorted attributes and self-closed empty elements', () => {
    expect(canonicalPolicy(base)).toBe(
      [
        '<policies>',
        '  <inbound>',
        '    <set-header exists-action="override" name="X-Api">',
        '      <value>basic &amp; api</value>',
        '    </set-header>',
        '    <set-variable name="v" value="@(context.Request.Headers.GetValueOrDefault(&quot;a&quot;, &quot;&lt;&quot;))" />',
        '    <base />',
        '  </inbound>',
        '  <outbound />',
        '</policies>',
      ].join('\n'),
    );
  });

  it('is a fixed point', () => {
    for (const xml of [base, rawFormatExample, xmlFormatExample, nonEncodedRequest]) {
      expect(canonicalPolicy(canonicalPolicy(xml))).toBe(canonicalPolicy(xml));
    }
  });

  it("treats APIM's re-serialisation of a PUT as no change", () => {
    for (const name of ['ApiManagementCreateApiPolicy.json', 'ApiManagementCreateApiOperationPolicy.json']) {
      const sent = exampleValue(name, ['parameters', 'parameters', 'properties', 'value']);
      const returned = exampleValue(name, ['responses', '201', 'body', 'properties', 'value']);
      expect(sent).not.toBe(returned);
      expect(canonicalPolicy(sent)).toBe(canonicalPolicy(returned));
    }
    // rawxml in, format=xml out: only the expression escaping and layout differ.
    expect(canonicalPolicy(nonEncodedRequest)).toBe(canonicalPolicy(nonEncodedResponse));
  });

  it('still sees what APIM really rewrote (named value id, rate-limit version)', () => {
    const sent = exampleValue('ApiManagementCreateProductPolicy.json', ['parameters', 'parameters', 'properties', 'value']);
    const returned = exampleValue('ApiManagementCreateProductPolicy.json', ['responses', '201', 'body', 'properties', 'value']);
    expect(canonicalPolicy(sent)).not.toBe(canonicalPolicy(returned));
  });

  it('keeps comments and same-line spaces in text, drops layout around multi-line text', () => {
    const a = '<policies>\n  <!-- why -->\n  <inbound>\n    <set-body>\n      @("x")\n    </set-body>\n    <value>"v" </value>\n  </inbound>\n</policies>';
    expect(canonicalPolicy(a)).toBe('<policies>\n  <!-- why -->\n  <inbound>\n    <set-body>@("x")</set-body>\n    <value>"v" </value>\n  </inbound>\n</policies>');
  });

  it.each([
    ['not XML at all', '  garbage\r\n  text  ', 'garbage\n  text'],
    ['an unclosed document', '<policies>\r\n<inbound>\r\n', '<policies>\n<inbound>'],
    ['an empty string', '', ''],
  ])('never throws: returns %s trimmed with LF', (_name, input, expected) => {
    expect(canonicalPolicy(input)).toBe(expected);
  });
});

describe('policy functions on mutated documents', () => {
  const corpus = [
    rawFormatExample,
    xmlFormatExample,
    nonEncodedRequest,
    ...walk(samples)
      .filter((f) => f.endsWith('policy.xml'))
      .map((f) => readFileSync(f, 'utf8')),
  ];

  it('never throw, report positions inside the document, and keep expressions meaning the same in both formats', () => {
    let seed = 0x9e3779b9;
    const random = (n: number) => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return Math.abs(seed) % Math.max(1, n);
    };
    const junk = ['<', '>', '&', '"', "'", '@(', '@{', ')', '}', '<!--', '-->', ']]>', '{{x}}', '</inbound>', '\r\n', '$"', '@"'];
    let accepted = 0;
    for (let i = 0; i < 3000; i++) {
      const text = corpus[random(corpus.length)] as string;
      const at = random(text.length);
      const mutated = [
        () => text.slice(0, at),
        () => text.slice(0, at) + text.slice(at + 1 + random(20)),
        () => text.slice(0, at) + junk[random(junk.length)] + text.slice(at),
      ][random(3)]?.() ?? text;
      const fragment = mutated.trimStart().startsWith('<fragment');
      const check = checkPolicyXml(mutated, { fragment });
      policyReferences(mutated);
      const canonical = canonicalPolicy(mutated);
      if (!check.ok) {
        const lines = mutated.split(/\r\n|\r|\n/);
        expect(check.line).toBeGreaterThanOrEqual(1);
        expect(check.line).toBeLessThanOrEqual(lines.length);
        expect(check.column).toBeGreaterThanOrEqual(1);
        expect(check.column).toBeLessThanOrEqual((lines[check.line - 1] ?? '').length + 1);
        continue;
      }
      accepted++;
      const escaped = toXmlFormat(mutated);
      expect(checkPolicyXml(escaped, { fragment }), mutated).toEqual({ ok: true });
      expect(canonicalPolicy(escaped), mutated).toBe(canonical);
      expect(canonicalPolicy(fromXmlFormat(mutated)), mutated).toBe(canonical);
      expect(canonicalPolicy(canonical), mutated).toBe(canonical);
    }
    expect(accepted).toBeGreaterThan(100);
  });
});
