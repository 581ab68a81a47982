// Resource names become folder names. A name APIM would reject fails the publish half-way; a name such as `..` or
// one with a slash would make a writer step outside the artifacts folder. Both are refused before any byte moves.
import { type Kind, ancestry, kindSpec } from '../kinds.ts';

/** The kind whose id rules apply to the name at `index` of a resource of `kind` (links are named after their target). */
function namingKind(kind: Kind, index: number): Kind {
  const chain = ancestry(kind);
  const k = chain[index] ?? kind;
  const link = kindSpec(k).link;
  return link ? link.target : k;
}

/** Why `name` cannot name a `kind` (as the last name of its path), or null when it can. */
export function nameProblem(kind: Kind, name: string): string | null {
  if (name === '') return 'is empty';
  if (name === '.' || name === '..') return 'would escape its folder';
  if (/[/\\]/.test(name)) return 'contains a path separator and would escape its folder';
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f]/.test(name)) return 'contains control characters';
  const arm = kindSpec(kind).arm;
  if (name.length > arm.idMaxLength) return `is longer than the ${arm.idMaxLength} characters APIM allows`;
  if (!arm.idPattern.test(name)) {
    if (arm.fixedName) return `must be '${arm.fixedName}'`;
    return `contains characters APIM rejects in ${kindSpec(kind).title} names (${describePattern(arm.idPattern)})`;
  }
  return null;
}

function describePattern(pattern: RegExp): string {
  if (pattern.source.startsWith('^(\\w+|')) return 'only letters, digits, - and _, starting and ending with a letter or digit';
  return 'none of * # & + : < > ? / \\';
}

/** Problems with any of a resource's names, with the index of the offending name. */
export function namesProblem(kind: Kind, names: readonly string[]): { index: number; problem: string } | null {
  for (let i = 0; i < names.length; i += 1) {
    const problem = nameProblem(namingKind(kind, i), names[i] ?? '');
    if (problem) return { index: i, problem };
  }
  return null;
}

export { namingKind };
