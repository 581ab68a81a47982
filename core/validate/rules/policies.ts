// Policy documents: well-formed policy XML (C# expressions tolerated, as APIM does), and what they point at —
// `include-fragment fragment-id`, `set-backend-service backend-id`, `log-to-eventhub logger-id` — plus
// `{{named value}}` tokens in any policy or information file (APIOps resolves them in DTO JSON too,
// src/publisher/Relationships.cs). Checked per file, so a policy whose API is broken is still checked.
import { type Kind, kindSpec } from '../../kinds.ts';
import { checkPolicyXml, namedValueTokens, policyReferences } from '../../policy.ts';
import { COMPANIONS } from '../../files/layout.ts';
import type { ArtifactFile } from '../../files/read.ts';
import { normalizeDocument } from '../../files/text.ts';
import { type RuleId, finding } from '../findings.ts';
import { type ValidationContext, escapeRegExp } from '../context.ts';

const REFERENCES: readonly { list: 'fragments' | 'backends' | 'loggers'; kind: Kind; rule: RuleId; element: string; attribute: string }[] = [
  { list: 'fragments', kind: 'policyFragment', rule: 'missing-fragment', element: 'include-fragment', attribute: 'fragment-id' },
  { list: 'backends', kind: 'backend', rule: 'missing-backend', element: 'set-backend-service', attribute: 'backend-id' },
  { list: 'loggers', kind: 'logger', rule: 'missing-logger', element: 'log-to-eventhub', attribute: 'logger-id' },
];

function isPolicyDocument(file: ArtifactFile): boolean {
  return file.shape === 'policy' || file.shape === 'fragmentPolicy';
}

export function checkPolicies(ctx: ValidationContext): void {
  for (const file of ctx.read.files.values()) {
    if (!isPolicyDocument(file) || file.broken) continue;
    const xml = normalizeDocument(file.text);
    const fragment = file.shape === 'fragmentPolicy' && COMPANIONS[file.kind]?.role === 'fragmentPolicy';
    if (xml.trim() === '') {
      ctx.findings.push(finding('policy-xml', { file: file.path }, `is empty; a ${fragment ? 'fragment' : 'policy'} needs a <${fragment ? 'fragment' : 'policies'}> document`));
      continue;
    }
    const check = checkPolicyXml(xml, { fragment });
    if (!check.ok) ctx.findings.push(finding('policy-xml', { file: file.path, line: check.line, column: check.column }, `is not a valid ${fragment ? 'policy fragment' : 'policy'}: ${check.message}`));
    const refs = policyReferences(xml);
    for (const ref of REFERENCES) {
      for (const id of refs[ref.list]) {
        if (ctx.exists(ref.kind, [id])) continue;
        const at = ctx.atText(file, new RegExp(`${ref.attribute}\\s*=\\s*["']\\s*${escapeRegExp(id)}`));
        ctx.findings.push(finding(ref.rule, at, `<${ref.element} ${ref.attribute}="${id}"> names a ${kindSpec(ref.kind).title} that does not exist`));
      }
    }
  }
}

/** `{{name}}` tokens in policies and information files must name a named value (by display name, as APIM resolves them). */
export function checkNamedValueTokens(ctx: ValidationContext): void {
  // a named value whose file is broken is known by its folder name only; its display name may well be the token
  const unreadable = new Set(
    [...ctx.read.unreadable].map((key) => JSON.parse(key) as string[]).filter(([kind]) => kind === 'namedValue').map(([, name]) => (name ?? '').toLowerCase()),
  );
  for (const file of ctx.read.files.values()) {
    if (file.broken || !(isPolicyDocument(file) || file.shape === 'information')) continue;
    if (!file.text.includes('{{')) continue;
    for (const token of namedValueTokens(file.text)) {
      if (ctx.namedValues.has(token.toLowerCase()) || unreadable.has(token.toLowerCase())) continue;
      const at = ctx.atText(file, `{{${token}}}`);
      ctx.findings.push(finding('missing-named-value', at, `{{${token}}} is used but no named value has that display name`));
    }
  }
}
