// Secret hygiene. A value APIM treats as secret must not be committed (error): a secret named value carries a
// Key Vault reference or gets its value from a `{#token#}` override. Literals that merely look like credentials in
// policies, backends and plain named values are warnings. Messages never repeat the value.
import type { ArtifactFile } from '../../files/read.ts';
import { secretLiterals } from '../../files/secrets.ts';
import { lineColumn, normalizeDocument } from '../../files/text.ts';
import type { Json, Resource } from '../../state.ts';
import { kindSpec } from '../../kinds.ts';
import { finding } from '../findings.ts';
import type { ValidationContext } from '../context.ts';

/** Shapes of well-known credentials; a match in committed text is almost never intended. */
const CREDENTIAL_PATTERNS: readonly { pattern: RegExp; what: string }[] = [
  { pattern: /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/, what: 'a JSON Web Token' },
  { pattern: /AccountKey=[A-Za-z0-9+/]{20,}={0,2}/, what: 'a storage account key' },
  { pattern: /SharedAccessKey=(?!\{\{)[A-Za-z0-9+/=]{16,}/, what: 'a shared access key' },
  { pattern: /[?&]sig=(?!\{\{)[A-Za-z0-9%+/=]{20,}/, what: 'a SAS signature' },
  { pattern: /-----BEGIN (?:RSA |EC |ENCRYPTED )?PRIVATE KEY-----/, what: 'a private key' },
  { pattern: /\bAKIA[0-9A-Z]{16}\b/, what: 'an AWS access key id' },
  { pattern: /\bclient_secret=(?!\{\{)[^&"'\s<{]{8,}/, what: 'an OAuth client secret' },
];

/** Policy attributes that hold a credential (authentication-basic, authentication-certificate, send-request auth). */
const SECRET_ATTRIBUTE = /<([\w-]+)\b[^>]*?\s(password|client-secret|secret)\s*=\s*"([^"]*)"/g;
/** Headers that carry credentials. */
const SECRET_HEADER = /^(authorization|proxy-authorization|api-key|x-api-key|ocp-apim-subscription-key|x-functions-key|.*(?:secret|token|password|apikey).*)$/i;
const SET_HEADER = /<set-header\b[^>]*\bname\s*=\s*"([^"]*)"[^>]*>([\s\S]*?)<\/set-header>/g;
const VALUE = /<value>([\s\S]*?)<\/value>/g;

/** A value that is not a literal: a named value, an expression, a {#token#}, empty. */
function isIndirect(value: string): boolean {
  const v = value.trim();
  if (v === '' || v.startsWith('@')) return true;
  const literal = v.replace(/\{\{[^{}]+\}\}/g, '').replace(/\{#[^#]+#\}/g, '').replace(/^(Bearer|Basic)\s+/i, '').trim();
  return literal === '';
}

function pattern(text: string): { index: number; what: string } | undefined {
  for (const p of CREDENTIAL_PATTERNS) {
    const m = p.pattern.exec(text);
    if (m) return { index: m.index, what: p.what };
  }
  return undefined;
}

export function checkSecrets(ctx: ValidationContext): void {
  for (const resource of ctx.resources) {
    for (const path of secretLiterals(resource.kind, resource.properties)) {
      const file = ctx.fileOf(resource, 'information');
      const at = ctx.atPointer(file, `/properties/${path.split('.').join('/')}`, ctx.where(resource));
      ctx.findings.push(
        finding(
          'secret-literal',
          at,
          `properties.${path} of ${kindSpec(resource.kind).title} '${resource.names.join('/')}' is a secret committed in clear text; use a Key Vault reference (keyVault.secretIdentifier) or a {#token#} in the target's overrides`,
        ),
      );
    }
  }
  for (const file of ctx.read.files.values()) {
    if (file.broken) continue;
    if (file.shape === 'policy' || file.shape === 'fragmentPolicy') checkPolicyCredentials(ctx, file);
  }
  for (const backend of ctx.list('backend')) checkBackendCredentials(ctx, backend);
  for (const nv of ctx.list('namedValue')) {
    const value = nv.properties.value;
    if (nv.properties.secret === true || typeof value !== 'string') continue;
    const found = pattern(value);
    if (found) {
      const at = ctx.atPointer(ctx.fileOf(nv, 'information'), '/properties/value', ctx.where(nv));
      ctx.findings.push(finding('credential-literal', at, `named value '${nv.names[0]}' is not marked secret but its value looks like ${found.what}; mark it secret and keep the value out of Git`));
    }
  }
}

function checkPolicyCredentials(ctx: ValidationContext, file: ArtifactFile): void {
  const text = normalizeDocument(file.text);
  const at = (index: number): { file: string; line: number; column: number } => ({ file: file.path, ...lineColumn(text, index) });
  for (const m of text.matchAll(SECRET_ATTRIBUTE)) {
    if (isIndirect(m[3] ?? '')) continue;
    ctx.findings.push(finding('credential-literal', at(m.index ?? 0), `the ${m[2]} attribute of <${m[1]}> is a literal; use a {{named value}} marked secret`));
  }
  for (const m of text.matchAll(SET_HEADER)) {
    if (!SECRET_HEADER.test(m[1] ?? '')) continue;
    for (const v of (m[2] ?? '').matchAll(VALUE)) {
      if (isIndirect(v[1] ?? '')) continue;
      ctx.findings.push(finding('credential-literal', at(m.index ?? 0), `header '${m[1]}' is set to a literal; use a {{named value}} marked secret`));
      break;
    }
  }
  const found = pattern(text);
  if (found) ctx.findings.push(finding('credential-literal', at(found.index), `contains what looks like ${found.what}; use a {{named value}} marked secret`));
}

function checkBackendCredentials(ctx: ValidationContext, backend: Resource): void {
  const file = ctx.fileOf(backend, 'information');
  const where = ctx.where(backend);
  const report = (pointer: string, what: string): void => {
    ctx.findings.push(finding('credential-literal', ctx.atPointer(file, pointer, where), `${what} of backend '${backend.names[0]}' is a literal; use a {{named value}} marked secret`));
  };
  const credentials = backend.properties.credentials;
  if (credentials !== null && typeof credentials === 'object' && !Array.isArray(credentials)) {
    for (const section of ['header', 'query'] as const) {
      const entries = credentials[section];
      if (entries === null || typeof entries !== 'object' || Array.isArray(entries)) continue;
      for (const [name, values] of Object.entries(entries)) {
        const list: Json[] = Array.isArray(values) ? values : [values];
        if (list.some((v) => typeof v === 'string' && !isIndirect(v))) report(`/properties/credentials/${section}/${name}`, `credentials.${section}.${name}`);
      }
    }
    const authorization = credentials.authorization;
    if (authorization !== null && typeof authorization === 'object' && !Array.isArray(authorization) && typeof authorization.parameter === 'string' && !isIndirect(authorization.parameter)) {
      report('/properties/credentials/authorization/parameter', 'credentials.authorization.parameter');
    }
  }
  const proxy = backend.properties.proxy;
  if (proxy !== null && typeof proxy === 'object' && !Array.isArray(proxy) && typeof proxy.password === 'string' && !isIndirect(proxy.password)) {
    report('/properties/proxy/password', 'proxy.password');
  }
  if (typeof backend.properties.url === 'string' && /^[a-z][a-z0-9+.-]*:\/\/[^/@\s:]+:[^/@\s]+@/i.test(backend.properties.url)) {
    report('/properties/url', 'the user:password in url');
  }
}
