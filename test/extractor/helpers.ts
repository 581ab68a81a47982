// Shared by the extractor tests: an emulator instance reached through core/live, the v7 samples as a State, and the
// settings that point an extract at the emulator.
import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import type { Exchange, RunningEmulator, StartEmulatorOptions } from '../../emulator/index.ts';
import { startRecordedEmulator } from '../support/emulator.ts';
import { Arm } from '../../core/live/arm.ts';
import { EMULATOR_CREDENTIAL, connect } from '../../core/live/connect.ts';
import { readArtifacts } from '../../core/files/read.ts';
import type { State } from '../../core/state.ts';
import type { ExtractSettings } from '../../extractor/settings.ts';
import { V7_SAMPLE } from '../fixtures/files/tree.ts';

export { V7_SAMPLE };

export interface EmulatedInstance {
  emulator: RunningEmulator;
  arm: Arm;
  label: string;
  serviceName: string;
  exchanges: Exchange[];
  /** settings for `run()` against this instance (out and the rest added by the test) */
  settings(out: string, more?: Partial<ExtractSettings>): ExtractSettings;
  close(): Promise<void>;
}

export async function emulatedInstance(options: StartEmulatorOptions = {}): Promise<EmulatedInstance> {
  const recorded = await startRecordedEmulator({ instances: ['eastus'], ...options });
  const emulator = recorded.emulator;
  const exchanges: Exchange[] = recorded.exchanges;
  const label = Object.keys(emulator.instances)[0] as string;
  const serviceName = emulator.instances[label] as string;
  const conn = connect(
    { subscriptionId: emulator.subscriptionId, resourceGroup: emulator.resourceGroup, serviceName, endpoint: emulator.endpoint, caCert: emulator.caCert, credential: EMULATOR_CREDENTIAL },
    { retry: { maxRetries: 4, baseDelayMs: 10, maxDelayMs: 100 } },
  );
  return {
    emulator,
    arm: new Arm(conn, { pollIntervalMs: 5 }),
    label,
    serviceName,
    exchanges,
    settings: (out, more = {}) => ({
      instance: { subscriptionId: emulator.subscriptionId, resourceGroup: emulator.resourceGroup, serviceName, endpoint: emulator.endpoint, caCert: emulator.caCert, emulator: true },
      out,
      ...more,
    }),
    close: () => recorded.close(),
  };
}

let samples: State | undefined;

/** The APIOps v7 sample artifacts, read once (never copied into this repository). */
export async function v7SampleState(): Promise<State> {
  if (!samples) {
    const read = await readArtifacts(V7_SAMPLE);
    if (read.findings.some((f) => f.severity === 'error')) throw new Error(`the v7 samples do not read cleanly: ${read.findings.map((f) => f.message).join('; ')}`);
    samples = read.state;
  }
  return samples;
}

export function tempFolder(prefix = 'apiops-extract-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

/** Every file below `dir` with its bytes as text, by POSIX path (a `.git` folder left out). */
export async function snapshot(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (d: string): Promise<void> => {
    for (const entry of await readdir(d, { withFileTypes: true })) {
      if (entry.name === '.git') continue;
      const abs = join(d, entry.name);
      if (entry.isDirectory()) await walk(abs);
      else out[relative(dir, abs).split(sep).join('/')] = await readFile(abs, 'utf8');
    }
  };
  await walk(dir);
  return out;
}

/** Collects log lines (what `run` would print on stderr). */
export function collectLog(): { lines: string[]; log: (line: string) => void } {
  const lines: string[] = [];
  return { lines, log: (line) => lines.push(line) };
}
