// References between resources, all read from the kinds table: every resource's parent, the `references` of each
// kind (apiVersionSetId, loggerId, subscription scope, release apiId) and the target of every link. A reference
// to a resource whose file exists but is broken is not reported again: its parse error already was.
import { type Kind, ancestry, kindSpec } from '../../kinds.ts';
import { parseResourceId, relativeId } from '../../files/ids.ts';
import { linkTargetNames, primaryPath } from '../../files/layout.ts';
import type { Json, Resource } from '../../state.ts';
import { finding } from '../findings.ts';
import type { ValidationContext } from '../context.ts';

/** `/apis` in a subscription scope means "all APIs": a collection, not a resource. */
function isCollectionId(id: string, kinds: readonly Kind[]): boolean {
  const parts = id.replace(/^\//, '').split('/');
  return parts.length === 1 && kinds.some((k) => ancestry(k).length === 1 && kindSpec(k).arm.segment.toLowerCase() === (parts[0] ?? '').toLowerCase());
}

function expectedFile(kind: Kind, names: readonly string[]): string {
  const path = primaryPath(kind, names);
  return path === null ? '' : ` (no ${path})`;
}

function getProperty(resource: Resource, path: string): Json | undefined {
  let value: Json | undefined = resource.properties;
  for (const part of path.split('.')) value = value !== null && typeof value === 'object' && !Array.isArray(value) ? value[part] : undefined;
  return value;
}

export function checkReferences(ctx: ValidationContext): void {
  for (const resource of ctx.resources) {
    checkParent(ctx, resource);
    checkLink(ctx, resource);
    const spec = kindSpec(resource.kind);
    for (const ref of spec.props.references) {
      if (ref.property === spec.link?.property) continue; // the link check covers it
      const value = getProperty(resource, ref.property);
      if (typeof value !== 'string') continue; // absent or mistyped: the schema rule says so
      const file = ctx.fileOf(resource, 'information');
      const at = ctx.atPointer(file, `/properties/${ref.property.split('.').join('/')}`, ctx.where(resource));
      if (isCollectionId(value, ref.kinds)) continue;
      const target = parseResourceId(value, ref.kinds);
      const titles = ref.kinds.map((k) => kindSpec(k).title).join(' or ');
      if (!target) {
        ctx.findings.push(finding('missing-reference', at, `${ref.property} '${value}' is not the id of a ${titles}`));
        continue;
      }
      if (!ctx.exists(target.kind, target.names)) {
        ctx.findings.push(
          finding('missing-reference', at, `${ref.property} points at ${kindSpec(target.kind).title} '${target.names.join('/')}', which does not exist${expectedFile(target.kind, target.names)}`),
        );
      }
    }
  }
}

/** A resource under a parent that does not exist cannot be published (operations exist through the specification). */
function checkParent(ctx: ValidationContext, resource: Resource): void {
  const chain = ancestry(resource.kind);
  for (let i = chain.length - 2; i >= 0; i -= 1) {
    const kind = chain[i] as Kind;
    if (kindSpec(kind).artifact.file === null) continue;
    const names = resource.names.slice(0, i + 1);
    if (ctx.exists(kind, names)) continue;
    const at = { file: ctx.where(resource) };
    ctx.findings.push(finding('missing-parent', at, `belongs to ${kindSpec(kind).title} '${names.join('/')}', which does not exist${expectedFile(kind, names)}`));
    return;
  }
}

function checkLink(ctx: ValidationContext, resource: Resource): void {
  const link = kindSpec(resource.kind).link;
  const target = linkTargetNames(resource.kind, resource.names);
  if (!link || target === null) return;
  const file = ctx.fileOf(resource, 'information');
  const where = ctx.where(resource);
  const title = kindSpec(link.target).title;
  if (link.property !== null) {
    const value = resource.properties[link.property];
    if (typeof value === 'string') {
      const parsed = parseResourceId(value, [link.target]);
      const expected = relativeId(link.target, target);
      if (!parsed || parsed.names.join('/').toLowerCase() !== target.join('/').toLowerCase()) {
        const at = ctx.atPointer(file, `/properties/${link.property}`, where);
        ctx.findings.push(finding('link-mismatch', at, `${link.property} '${value}' does not name the ${title} its folder names (${expected})`));
        return;
      }
    }
  }
  if (ctx.exists(link.target, target)) return;
  const at = file?.shape === 'linkArray' ? arrayItemAt(ctx, file.path, resource) : { file: where };
  ctx.findings.push(finding('missing-link-target', at, `links to ${title} '${target.join('/')}', which does not exist${expectedFile(link.target, target)}`));
}

/** The `{"name": …}` entry of a v4/v5 link array naming this link's other end. */
function arrayItemAt(ctx: ValidationContext, path: string, resource: Resource): { file: string; line?: number; column?: number } {
  const file = ctx.read.files.get(path);
  if (!file || !Array.isArray(file.json)) return { file: path };
  const parentDepth = ancestry(kindSpec(resource.kind).parent as Kind).length;
  const wanted = new Set([resource.names[0], resource.names[parentDepth]]);
  const index = file.json.findIndex((item) => item !== null && typeof item === 'object' && !Array.isArray(item) && wanted.has(String(item.name)));
  return index < 0 ? { file: path } : ctx.atPointer(file, `/${index}/name`, path);
}
