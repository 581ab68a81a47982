// `apiops emulator`: serve the APIM management-plane emulator until SIGINT/SIGTERM, announcing one JSON line.
import { InvalidArgumentError, Option } from 'commander';
import type { Register } from '../main.ts';

function nonNegativeInt(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`${name} must be a whole number of 0 or more.`);
    return n;
  };
}

export const registerEmulator: Register = (program, setExit) => {
  program
    .command('emulator')
    .description('Serve a local emulator of the APIM management REST API (HTTPS on 127.0.0.1), one service per instance.')
    .option('--port <n>', 'port to listen on (0: any free port)', nonNegativeInt('--port'), 0)
    .option('--instances <labels>', 'comma-separated region labels, one APIM service each', 'eastus')
    .option('--latency-ms <n>', 'latency added to every request', nonNegativeInt('--latency-ms'), 0)
    .option('--jitter-ms <n>', 'random extra latency up to this many ms', nonNegativeInt('--jitter-ms'), 0)
    .option('--bare', 'start empty: no built-in groups, products, subscriptions or Echo API', false)
    .option('--throttle', "enable ARM's token-bucket throttling (reads 250/25 per s, writes and deletes 200/10 per s)", false)
    .option('--import-busy-ms <n>', 'answer 409 "Operation on the API is in progress" for this long after an API import', nonNegativeInt('--import-busy-ms'), 0)
    .option('--lro-ms <n>', 'how long long-running operations stay InProgress', nonNegativeInt('--lro-ms'), 0)
    .addOption(new Option('--subscription-id <guid>', 'subscription id to serve (default: a new GUID)'))
    .addOption(new Option('--resource-group <name>', 'resource group to serve').default('rg-apiops-emulator'))
    .action(async (opts: { port: number; instances: string; latencyMs: number; jitterMs: number; bare: boolean; throttle: boolean; importBusyMs: number; lroMs: number; subscriptionId?: string; resourceGroup: string }) => {
      // loaded on use: `apiops --help` and the other commands do not pay for the emulator's modules
      const { startEmulator } = await import('../../emulator/index.ts');
      const labels = opts.instances.split(',').map((s) => s.trim()).filter(Boolean);
      const emulator = await startEmulator({
        port: opts.port,
        instances: labels,
        bare: opts.bare,
        subscriptionId: opts.subscriptionId,
        resourceGroup: opts.resourceGroup,
        knobs: { latencyMs: opts.latencyMs, jitterMs: opts.jitterMs, importBusyMs: opts.importBusyMs, lroDurationMs: opts.lroMs },
        throttling: { enabled: opts.throttle },
      });
      const ready = {
        endpoint: emulator.endpoint,
        subscriptionId: emulator.subscriptionId,
        resourceGroup: emulator.resourceGroup,
        instances: emulator.instances,
        caCertPath: emulator.caCertPath,
      };
      process.stdout.write(`${JSON.stringify(ready)}\n`);
      process.stderr.write(`apiops emulator: serving ${labels.length} instance(s) at ${emulator.endpoint}; admin at ${emulator.endpoint}/_emulator/instances; Ctrl+C stops it.\n`);
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await emulator.close();
      setExit(0);
    });
};
