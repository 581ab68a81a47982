// `apiops demo`: publish the sample estate to an embedded emulator with several regions (no Azure needed).
import type { Register } from '../main.ts';

export const registerDemo: Register = (program, setExit) => {
  program
    .command('demo')
    .description('Run the whole job against the embedded emulator: publish artifacts/ to every region, diff, status.')
    .option('--regions <labels>', 'comma-separated region labels', 'eastus,westus,northeurope')
    .option('--keep', 'keep the temporary workspace (git repository) for a look', false)
    .action(async (opts: { regions: string; keep: boolean }) => {
      const { runDemo } = await import('../../demo/run.ts');
      const regions = opts.regions.split(',').map((s) => s.trim()).filter(Boolean);
      setExit(await runDemo({ regions, out: process.stdout, err: process.stderr, keep: opts.keep }));
    });
};
