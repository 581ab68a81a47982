// What the extractor action hands back to the workflow: the runner protocols of core/github/actions.ts.
import { appendSummary, command as runnerCommand, setOutput } from '../../core/github/actions.ts';

export { appendSummary, setOutput };

export function command(kind: 'warning' | 'error', message: string): string {
  return runnerCommand(kind, message, 'apiops extract');
}
