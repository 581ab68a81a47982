// The README's first command: `npm run demo` runs the whole job against the embedded emulator and exits 0.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../../bin/apiops.js', import.meta.url));

describe('apiops demo', () => {
  it('publishes the sample estate to three regions, then shows no change and every region at the commit', async () => {
    const { code, stdout } = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
      const child = spawn(process.execPath, [BIN, 'demo'], { env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.on('close', (c) => resolve({ code: c, stdout: out }));
    });
    expect(code, stdout).toBe(0);
    expect(stdout).toMatch(/eastus: applied, \d+ changes applied/);
    expect(stdout).toContain('no changes in any region');
    expect(stdout).toMatch(/northeurope: holds [0-9a-f]{12}, 0 behind, no drift/);
    expect(stdout).toContain('every region holds the latest commit and matches Git.');
  });
});
