// `apiops extract`: a live APIM instance → the artifacts folder (APIOps v7 layout), optionally committed on a new
// branch for a pull request. The summary goes to stdout (text, or JSON with --format json); progress and warnings
// go to stderr.
import { Option } from 'commander';
import type { Register } from '../main.ts';
import { EXIT } from '../../core/errors.ts';
import type { ExtractInput } from '../../extractor/settings.ts';

/** The flags are the settings' inputs (same names), plus the output format. */
type ExtractFlags = Omit<ExtractInput, 'cwd'> & { format: 'text' | 'json' };

export const registerExtract: Register = (program, setExit) => {
  program
    .command('extract')
    .description('Write what a live APIM instance holds into the artifacts folder; files of resources that are gone are removed.')
    .option('--target <name>', 'a target of apiops.yaml to extract from')
    .option('--config <file>', 'apiops.yaml (default: ./apiops.yaml)')
    .option('--subscription-id <id>', 'Azure subscription of the instance (instead of --target)')
    .option('--resource-group <name>', 'resource group of the instance')
    .option('--service-name <name>', 'APIM service name')
    .option('--endpoint <url>', 'Resource Manager endpoint (sovereign clouds, the emulator)')
    .option('--ca-cert <file>', 'PEM certificate to trust for the endpoint (the emulator)')
    .option('--emulator', 'the instance is the apiops emulator: no Azure credential')
    .option('--out <dir>', "artifacts folder to write (default: apiops.yaml's artifacts, else ./artifacts)")
    .option('--filter <file>', 'extractor filter (configuration.extractor.yaml, APIOps v7 or v6 keys)')
    .addOption(new Option('--spec-format <format>', "specification format (default: each API's format in Git, else openapi-yaml)").choices(['openapi-yaml', 'openapi-json', 'swagger-json']))
    .option('--concurrency <n>', 'requests in flight at once (default 8)')
    .option('--branch <name>', 'commit the extract on this new branch and push it when there is a remote')
    .option('--commit-message <text>', 'subject of the commit (with --branch)')
    .addOption(new Option('--format <format>', 'summary format').choices(['text', 'json']).default('text'))
    .action(async (opts: ExtractFlags) => {
      // loaded on use: the other commands do not pay for the live client and git
      const { resolveSettings } = await import('../../extractor/settings.ts');
      const { run } = await import('../../extractor/run.ts');
      const { renderJson, renderText } = await import('../../extractor/summary.ts');
      const settings = await resolveSettings({ ...opts, cwd: process.cwd() });
      const summary = await run(settings);
      process.stdout.write(opts.format === 'json' ? renderJson(summary) : renderText(summary));
      setExit(EXIT.ok);
    });
};
