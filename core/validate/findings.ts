// Findings: what validation (and the lenient artifact reader) reports. Every finding names a file, a line, a column,
// a rule id from the catalogue below and one plain sentence. Messages never quote secret values.

export type Severity = 'error' | 'warning' | 'notice';

export interface Finding {
  rule: RuleId;
  severity: Severity;
  /** path of the file (relative to the artifacts root while reading; relative to the working folder when reported) */
  file: string;
  line: number;
  column: number;
  message: string;
}

interface RuleSpec {
  severity: Severity;
  summary: string;
}

/** Every rule, its default severity and what it checks. */
export const RULES = {
  encoding: { severity: 'error', summary: 'the file is binary, UTF-16 or not valid UTF-8' },
  bom: { severity: 'warning', summary: 'the file starts with a UTF-8 byte order mark (JSON forbids one; some tools choke on it)' },
  'line-endings': { severity: 'notice', summary: 'files use CRLF line endings; apiops writes LF' },
  'file-too-large': { severity: 'error', summary: 'the file is too large to be an APIM artifact' },
  'json-syntax': { severity: 'error', summary: 'the file is not valid JSON' },
  'json-duplicate-key': { severity: 'error', summary: 'a JSON object names the same property twice' },
  'yaml-syntax': { severity: 'error', summary: 'the file is not valid YAML' },
  'policy-xml': { severity: 'error', summary: 'the policy document is not well-formed policy XML' },
  'spec-syntax': { severity: 'error', summary: 'the API specification does not parse' },
  'spec-format': { severity: 'error', summary: 'the API specification is not the format its file name or API type says' },
  schema: { severity: 'error', summary: 'the file does not match its JSON Schema' },
  'unknown-property': { severity: 'warning', summary: 'an information file sets a property APIM does not know (ignored by APIM; often a misspelling)' },
  'missing-link-target': { severity: 'error', summary: 'a product, tag or gateway link points at an API, product or group that does not exist' },
  'link-mismatch': { severity: 'error', summary: 'a link file names a different resource than its folder' },
  'duplicate-unique-value': { severity: 'error', summary: 'two resources hold a value APIM keeps unique: an API path outside one version set, the display name of a named value, product or tag' },
  'missing-reference': { severity: 'error', summary: 'a reference (apiVersionSetId, loggerId, subscription scope, release apiId) does not resolve' },
  'missing-named-value': { severity: 'error', summary: 'a {{named value}} is used but not defined' },
  'missing-fragment': { severity: 'error', summary: 'include-fragment names a policy fragment that does not exist' },
  'fragment-cycle': { severity: 'error', summary: 'policy fragments include each other, so APIM cannot create any of them first' },
  'missing-backend': { severity: 'error', summary: 'set-backend-service names a backend that does not exist' },
  'missing-logger': { severity: 'error', summary: 'log-to-eventhub names a logger that does not exist' },
  'missing-override-target': { severity: 'error', summary: 'an override entry names a resource that does not exist in the artifacts' },
  'missing-parent': { severity: 'error', summary: 'a resource sits under a parent that does not exist' },
  'system-resource': { severity: 'error', summary: "a resource APIM or apiops keeps for itself (the publisher's record, built-in groups, the all-access subscription, logger credentials): it cannot be published from Git" },
  'missing-file': { severity: 'error', summary: 'a file named by the configuration does not exist' },
  'unknown-operation': { severity: 'warning', summary: 'an operation folder names an operation the specification does not define' },
  'unknown-file': { severity: 'warning', summary: 'a file APIOps does not read' },
  'unknown-folder': { severity: 'warning', summary: 'a folder APIOps does not read' },
  unsupported: { severity: 'warning', summary: 'a resource type apiops does not manage yet' },
  'missing-information-file': { severity: 'warning', summary: 'a resource folder has no information file' },
  'duplicate-resource': { severity: 'warning', summary: 'the same resource is defined by two files' },
  'ignored-file': { severity: 'warning', summary: 'a file APIOps reads only when another one is absent' },
  'invalid-name': { severity: 'error', summary: 'a resource name APIM rejects or that would escape its folder' },
  'deprecated-key': { severity: 'warning', summary: 'a configuration key of an older APIOps generation' },
  'ignored-override': { severity: 'warning', summary: 'an override property APIOps strips before publishing' },
  'duplicate-target': { severity: 'error', summary: 'two targets share a name' },
  'secret-literal': { severity: 'error', summary: 'a secret value is committed to the repository' },
  'credential-literal': { severity: 'warning', summary: 'a literal that looks like a credential in a policy or backend' },
} as const satisfies Record<string, RuleSpec>;

export type RuleId = keyof typeof RULES;

export function finding(
  rule: RuleId,
  at: { file: string; line?: number; column?: number },
  message: string,
  severity: Severity = RULES[rule].severity,
): Finding {
  return { rule, severity, file: at.file, line: at.line ?? 1, column: at.column ?? 1, message };
}

const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, notice: 2 };

/** Stable order for reports: by file, line, column, then severity and rule. */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) =>
      (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) ||
      a.line - b.line ||
      a.column - b.column ||
      SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
      (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0) ||
      (a.message < b.message ? -1 : a.message > b.message ? 1 : 0),
  );
}

export function countBySeverity(findings: readonly Finding[]): Record<Severity, number> {
  const counts: Record<Severity, number> = { error: 0, warning: 0, notice: 0 };
  for (const f of findings) counts[f.severity] += 1;
  return counts;
}
