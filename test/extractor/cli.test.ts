// `apiops extract` as a user runs it: the real command in a child process, against the emulator over HTTPS, from a
// target of apiops.yaml or from explicit flags. No secret reaches a file, stdout or stderr.
import { execFile } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EmulatedInstance, emulatedInstance, snapshot, tempFolder } from './helpers.ts';

const BIN = fileURLToPath(new URL('../../bin/apiops.js', import.meta.url));
const SECRET = 'cli-secret-value-5e1d0b';
const LOGGER_KEY = '0b8c1f9e-secret-instrumentation-key';

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

// asynchronous: the emulator answers from this very process
function apiops(args: string[], cwd: string): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, NO_COLOR: '1' }, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error && typeof (error as { code?: unknown }).code === 'number' ? ((error as { code: number }).code) : error ? 1 : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

describe('apiops extract (the command)', () => {
  let inst: EmulatedInstance;
  let project: string;

  beforeAll(async () => {
    // not bare: APIM's own groups, products, `master` subscription (with keys) and Echo API are there too
    inst = await emulatedInstance();
    await inst.arm.put('namedValue', ['backend-key'], { properties: { displayName: 'backend-key', value: SECRET, secret: true } });
    await inst.arm.put('namedValue', ['vault-key'], { properties: { displayName: 'vault-key', secret: true, keyVault: { secretIdentifier: 'https://contoso.vault.azure.net/secrets/key' } } });
    await inst.arm.put('logger', ['insights'], { properties: { loggerType: 'applicationInsights', credentials: { instrumentationKey: LOGGER_KEY } } });
    await inst.arm.put('backend', ['orders'], { properties: { url: 'https://orders.example.com', protocol: 'http', credentials: { header: { 'x-key': ['{{backend-key}}'] } } } });
    await inst.arm.put('subscription', ['partner'], { properties: { displayName: 'Partner', scope: '/products/starter', primaryKey: 'partner-primary-key-123456', secondaryKey: 'partner-secondary-key-1234' } });
    project = await tempFolder('apiops-cli-');
    await writeFile(
      join(project, 'apiops.yaml'),
      [
        'artifacts: apim',
        'targets:',
        '  - name: eastus',
        `    subscriptionId: ${inst.emulator.subscriptionId}`,
        `    resourceGroup: ${inst.emulator.resourceGroup}`,
        `    serviceName: ${inst.serviceName}`,
        `    endpoint: ${inst.emulator.endpoint}`,
        `    caCert: ${inst.emulator.caCertPath}`,
        '    emulator: true',
        '',
      ].join('\n'),
    );
  });
  afterAll(async () => {
    await inst?.close();
    if (project) await rm(project, { recursive: true, force: true });
  });

  it('extracts a target of apiops.yaml into its artifacts folder, summary as JSON on stdout', async () => {
    const result = await apiops(['extract', '--target', 'eastus', '--format', 'json'], project);
    expect(result.stderr).not.toMatch(/unexpected error/);
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout) as { service: string; changed: boolean; files: { added: number }; kinds: Record<string, unknown>; warnings: string[] };
    expect(summary).toMatchObject({ service: inst.serviceName, changed: true });
    expect(summary.files.added).toBeGreaterThan(10);
    expect(summary.warnings.join('\n')).toMatch(/logger insights/);
    expect(result.stderr).toMatch(/kind\s+listed\s+read\s+written/);
    const files = await snapshot(join(project, 'apim'));
    expect(files['named values/backend-key/namedValueInformation.json']).toBeDefined();
    expect(files['apis/echo-api/apiInformation.json']).toBeDefined();
    // APIM's own: never extracted
    expect(Object.keys(files).filter((p) => /^groups\/|subscriptions\/master\/|Logger-Credentials/i.test(p))).toEqual([]);
    expect(files['products/starter/groups/administrators/productGroupInformation.json']).toBeDefined();
  });

  it('extracts from explicit flags, summary as text', async () => {
    const out = join(project, 'flags-out');
    const result = await apiops(
      ['extract', '--subscription-id', inst.emulator.subscriptionId, '--resource-group', inst.emulator.resourceGroup, '--service-name', inst.serviceName, '--endpoint', inst.emulator.endpoint, '--ca-cert', inst.emulator.caCertPath, '--emulator', '--out', out],
      project,
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^Extracted ${inst.serviceName} into .*flags-out: \\d+ added`));
    expect(await snapshot(out)).toEqual(await snapshot(join(project, 'apim')));
  });

  it('writes no secret to any file, to stdout or to stderr', async () => {
    const out = join(project, 'secrets-out');
    await mkdir(out, { recursive: true });
    const runs = [await apiops(['extract', '--target', 'eastus', '--out', out, '--format', 'json'], project), await apiops(['extract', '--target', 'eastus', '--out', out], project)];
    const written = Object.entries(await snapshot(out)).map(([path, text]) => `${path}\n${text}`);
    const everything = [...written, ...runs.flatMap((r) => [r.stdout, r.stderr])].join('\n');
    for (const secret of [SECRET, LOGGER_KEY, 'partner-primary-key', 'partner-secondary-key', 'master-primary-key', 'starter-primary-key']) {
      expect(everything, secret).not.toContain(secret);
    }
    expect(everything).not.toMatch(/"(primaryKey|secondaryKey)"/);
    // the Key Vault reference and the {{reference}} to the secret are configuration, and are kept
    const files = await snapshot(out);
    expect(files['named values/vault-key/namedValueInformation.json']).toContain('https://contoso.vault.azure.net/secrets/key');
    expect(files['named values/backend-key/namedValueInformation.json']).toContain('"secret": true');
    expect(files['backends/orders/backendInformation.json']).toContain('{{backend-key}}');
  });

  it('fails with exit code 1 and a plain message for a target that does not exist', async () => {
    const result = await apiops(['extract', '--target', 'mars'], project);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^apiops: no target 'mars' in .*apiops\.yaml; targets: eastus/m);
    expect(result.stdout).toBe('');
  });

  it('asks for the instance when neither a target nor the ids are given', async () => {
    const result = await apiops(['extract', '--service-name', 'x'], project);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('--subscription-id, --resource-group');
  });
});
