// APIM's long-running operations (api PUT/DELETE, named value PUT/PATCH, policy fragment PUT, api schema PUT):
// the first answer is 201/200 (202 for DELETE) with `provisioningState: InProgress`, a `Location` that is the
// resource URL plus `asyncId`/`asyncCode`, and an `Azure-AsyncOperation` URL under `tenant/operationResults`
// whose poll answer carries `status` at the top level — the SDK (core-lro) reads nothing else.
import { randomHex } from './random.ts';
import type { ArmError } from './errors.ts';

export interface LroOperation {
  id: string;
  /** ARM path of the resource, below the host */
  resourcePath: string;
  asyncCode: number;
  startTime: string;
  /** epoch ms when the operation stops being InProgress */
  doneAt: number;
  /** set when the operation fails; reported through the poll, never on the initial answer */
  error: ArmError | null;
}

export class Operations {
  readonly #ops = new Map<string, LroOperation>();

  start(input: { resourcePath: string; asyncCode: number; durationMs: number; error: ArmError | null }): LroOperation {
    const id = randomHex(12);
    const op: LroOperation = {
      id,
      resourcePath: input.resourcePath,
      asyncCode: input.asyncCode,
      startTime: new Date().toISOString(),
      doneAt: Date.now() + input.durationMs,
      error: input.error,
    };
    this.#ops.set(id, op);
    return op;
  }

  get(id: string): LroOperation | undefined {
    return this.#ops.get(id);
  }

  status(op: LroOperation): 'InProgress' | 'Succeeded' | 'Failed' {
    if (Date.now() < op.doneAt) return 'InProgress';
    return op.error ? 'Failed' : 'Succeeded';
  }

  headers(op: LroOperation, input: { endpoint: string; servicePath: string; apiVersion: string }): Record<string, string> {
    return {
      location: `${input.endpoint}${op.resourcePath}?api-version=${input.apiVersion}&asyncId=${op.id}&asyncCode=${op.asyncCode}`,
      'azure-asyncoperation': `${input.endpoint}${input.servicePath}/tenant/operationResults/${op.id}?api-version=${input.apiVersion}`,
    };
  }
}
