// The extractor action's bundle (core/github/build.ts builds every action of the repository).
import { type BuiltAction, buildAction } from '../../core/github/build.ts';

export type { BuiltAction };

export function buildExtractorAction(options: { outfile?: string } = {}): Promise<BuiltAction> {
  return buildAction('extractor', options);
}
