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

/**
 * Fragments that include each other in a circle: APIM refuses a fragment that names one that does not exist yet,
 * so none of them can ever be created first. Reported at the include in each fragment of the circle.
 */
export function checkFragmentCycles(ctx: ValidationContext): void {
  const includes = new Map<string, { file: ArtifactFile; name: string; includes: string[] }>();
  for (const file of ctx.read.files.values()) {
    if (file.shape !== 'fragmentPolicy' || file.broken || file.kind !== 'policyFragment') continue;
    const [, name] = JSON.parse(file.keys[0] ?? '[]') as string[];
    if (name === undefined) continue;
    includes.set(name.toLowerCase(), { file, name, includes: policyReferences(normalizeDocument(file.text)).fragments });
  }
  // depth-first: a fragment met again while it is still on the path closes a circle
  const state = new Map<string, 'open' | 'done'>();
  const reported = new Set<string>();
  const visit = (key: string, path: string[]): void => {
    state.set(key, 'open');
    path.push(key);
    for (const next of includes.get(key)?.includes ?? []) {
      const nextKey = next.toLowerCase();
      if (!includes.has(nextKey)) continue;
      if (state.get(nextKey) === 'open') {
        const circle = path.slice(path.indexOf(nextKey));
        const names = [...circle, nextKey].map((k) => includes.get(k)!.name).join(' → ');
        circle.forEach((member, i) => {
          if (reported.has(member)) return;
          reported.add(member);
          const { file } = includes.get(member)!;
          const included = includes.get(circle[(i + 1) % circle.length]!)!.name;
          const at = ctx.atText(file, new RegExp(`fragment-id\\s*=\\s*["']\\s*${escapeRegExp(included)}`));
          ctx.findings.push(finding('fragment-cycle', at, `includes '${included}', which leads back to this fragment (${names}): APIM cannot create any of them first`));
        });
      } else if (!state.has(nextKey)) visit(nextKey, path);
    }
    path.pop();
    state.set(key, 'done');
  };
  for (const key of [...includes.keys()].sort()) if (!state.has(key)) visit(key, []);
}
