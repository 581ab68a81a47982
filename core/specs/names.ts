// How APIM names what an import creates (learn.microsoft.com "API import restrictions and known issues",
// "Normalization rules for operationId").
import { createHash } from 'node:crypto';

/**
 * operationId → operation resource name: lower case, every run of non-alphanumeric characters becomes one dash,
 * dashes trimmed on both sides, truncated to 76 characters (four less than the resource-name limit, leaving room
 * for a de-duplication suffix). `GET-/foo/{bar}?buzz={quix}` → `get-foo-bar-buzz-quix`.
 */
export function normalizeOperationName(value: string): string {
  return value
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 76);
}

/** Reserves a name, adding APIM's `-1`, `-2`, … `-999` suffix when it is already taken. */
export class NameAllocator {
  private readonly taken = new Set<string>();

  allocate(base: string): string {
    if (!this.taken.has(base)) {
      this.taken.add(base);
      return base;
    }
    for (let n = 1; n <= 999; n++) {
      const candidate = `${base}-${n}`;
      if (!this.taken.has(candidate)) {
        this.taken.add(candidate);
        return candidate;
      }
    }
    throw new Error(`Too many operations named '${base}'.`);
  }
}

/**
 * Operation names when the document gives none: method and path template joined and normalised (`get-foo`).
 * The display name follows the documented `Get - /foo` form.
 */
export function generatedOperationName(method: string, urlTemplate: string): string {
  return normalizeOperationName(`${method}-${urlTemplate}`);
}

export function generatedDisplayName(method: string, urlTemplate: string): string {
  const lower = method.toLowerCase();
  return `${lower.charAt(0).toUpperCase()}${lower.slice(1)} - ${urlTemplate}`;
}

/**
 * APIM gives imported schemas random 24-hex ids. A hash of what the schema is (its content type and a
 * discriminator) keeps the id stable across re-imports, so re-publishing an unchanged API does not churn
 * the operations' `schemaId` references.
 */
export function schemaIdFor(contentType: string, discriminator = ''): string {
  return createHash('sha256').update(`${contentType}\n${discriminator}`).digest('hex').slice(0, 24);
}

/** `/manual/paths/invoke` → `ManualPathsInvoke`; `application/json` → `ApplicationJson`. */
export function pascalCase(value: string): string {
  return value
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word !== '')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('');
}
