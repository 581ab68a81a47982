// `apiops validate`: check the artifacts (and apiops.yaml with each target's overrides) before anything is
// published. Exit 0 when valid (warnings allowed), 1 when any error is found. In GitHub Actions every error and
// warning is also an annotation on the pull request's diff.
import { Option } from 'commander';
import type { Register } from '../main.ts';
import { EXIT } from '../../core/errors.ts';
import { type ReportFormat, renderAnnotations, renderJson, renderText } from '../../core/validate/report.ts';
import { validateArtifacts } from '../../core/validate/validate.ts';

export const registerValidate: Register = (program, setExit) => {
  program
    .command('validate')
    .description('Check artifact files, references, policies, specifications, secrets and configuration; exit 1 on any error.')
    .option('--artifacts <dir>', "artifacts folder (default: apiops.yaml's artifacts, else ./artifacts)")
    .option('--config <file>', 'apiops.yaml to check with the targets\u2019 overrides (default: ./apiops.yaml when present)')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action(async (opts: { artifacts?: string; config?: string; format: ReportFormat }) => {
      const report = await validateArtifacts({ artifacts: opts.artifacts, config: opts.config });
      const annotations = process.env.GITHUB_ACTIONS === 'true' ? renderAnnotations(report.findings) : '';
      if (opts.format === 'json') {
        // stdout carries only the JSON document; the runner reads workflow commands from stderr as well
        process.stdout.write(renderJson(report));
        if (annotations) process.stderr.write(annotations);
      } else {
        process.stdout.write(annotations + renderText(report));
      }
      setExit(report.valid ? EXIT.ok : EXIT.failure);
    });
};
