// Resources APIM or apiops keeps for itself do not belong in Git (the extractor leaves them out: core/system.ts).
import { kindSpec } from '../../kinds.ts';
import { RECORD_NAMED_VALUE, isSystemResource } from '../../system.ts';
import { finding } from '../findings.ts';
import type { ValidationContext } from '../context.ts';

/**
 * Resources APIM or apiops keeps for itself, in Git: the publisher's record (`apiops-state`, publisher/record.ts),
 * which a publish of it would overwrite — the commit a region holds and the lock with it; APIM's built-in groups,
 * all-access subscription and logger credentials, which it refuses to have written. (The extractor never writes
 * them; an older extraction, or a copy of one region's files, can hold them.)
 */
export function checkSystemResources(ctx: ValidationContext): void {
  for (const resource of ctx.resources) {
    if (!isSystemResource(resource.kind, resource.names, resource.properties)) continue;
    const at = ctx.atPointer(ctx.fileOf(resource, 'information'), '', ctx.where(resource));
    const whose = resource.kind === 'namedValue' && resource.names[0]!.toLowerCase() === RECORD_NAMED_VALUE ? "is where apiops records the commit each target holds, and its lock" : "is APIM's own";
    ctx.findings.push(finding('system-resource', at, `${kindSpec(resource.kind).title} '${resource.names.join('/')}' ${whose}: it cannot be published from Git — delete its folder`));
  }
}
