// Starts an emulator for a test file and records every exchange, so that the file can prove each answer
// conforms to the official APIM 2024-05-01 specification (../shared/apim-rest/spec).
import { type Exchange, type RunningEmulator, type StartEmulatorOptions, startEmulator } from '../../emulator/index.ts';
import { validateExchange } from './conformance/index.ts';

export interface RecordedEmulator {
  emulator: RunningEmulator;
  exchanges: Exchange[];
  /** every recorded answer that does not conform to the specification, one line each */
  conformanceErrors(): string[];
  close(): Promise<void>;
}

// Routes the trimmed local specification does not carry (it has 19 of the 59 upstream files): the LRO poll
// `tenant/operationResults` and the service resource itself; `/_emulator/` is the emulator's own (knobs, export downloads).
const OUTSIDE_SPEC = [/\/tenant\/operationResults\//i, /\/service\/[^/]+$/i, /^\/_emulator\//];

export async function startRecordedEmulator(options: StartEmulatorOptions = {}): Promise<RecordedEmulator> {
  const exchanges: Exchange[] = [];
  const emulator = await startEmulator({ ...options, onExchange: (e) => exchanges.push(e) });
  const recorded: RecordedEmulator = {
    emulator,
    exchanges,
    conformanceErrors() {
      const errors: string[] = [];
      for (const e of exchanges) {
        if (OUTSIDE_SPEC.some((re) => re.test(e.path))) continue;
        const result = validateExchange({ method: e.method, path: e.path, query: e.query.replace(/^\?/, ''), status: e.status, body: e.responseBody });
        for (const err of result.errors) {
          // a request to a route the specification does not have can only be an error; it must still be ARM-shaped
          if (err.startsWith('no operation in the spec matches') && e.status >= 400 && isArmError(e.responseBody)) continue;
          errors.push(`${e.method} ${e.path}${e.query} → ${e.status}: ${err}`);
        }
      }
      return errors;
    },
    async close() {
      await emulator.close();
      // every test file that starts an emulator proves, when it ends, that all its answers conformed
      const errors = recorded.conformanceErrors();
      if (errors.length > 0) throw new Error(`${errors.length} emulator answer(s) do not conform to the APIM 2024-05-01 specification:\n${errors.slice(0, 10).join('\n')}`);
    },
  };
  return recorded;
}

/** The same, for tests that only need the running emulator: conformance is checked when it closes. */
export async function startCheckedEmulator(options: StartEmulatorOptions = {}): Promise<RunningEmulator> {
  const recorded = await startRecordedEmulator(options);
  return { ...recorded.emulator, close: () => recorded.close() };
}

function isArmError(body: unknown): boolean {
  if (typeof body !== 'object' || body === null) return false;
  const error = (body as { error?: { code?: unknown; message?: unknown } }).error;
  return typeof error?.code === 'string' && error.code.length > 0 && typeof error.message === 'string';
}

/** Writes (PUT, PATCH, DELETE) the emulator served per instance and kind since its counts were last reset. */
export function writesByKind(emulator: RunningEmulator): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const [label, counts] of Object.entries(emulator.counts())) {
    out[label] = {};
    for (const [key, n] of Object.entries(counts)) {
      const [method, kind] = key.split(' ');
      if (method === 'PUT' || method === 'PATCH' || method === 'DELETE') out[label]![kind!] = (out[label]![kind!] ?? 0) + n;
    }
  }
  return out;
}
