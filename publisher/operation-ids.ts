// Where something below a SOAP API's operation (its policy) is in a target: under the id that target gave the
// operation when it imported the WSDL, not under Git's name for it (core/soap.ts). The id is known only from the
// target's own list of the API's operations, read when first needed — for a write, after the API itself, whose
// import makes the operations (the dependency graph writes a parent first).
import type { Kind } from '../core/kinds.ts';
import type { Arm, ArmContract } from '../core/live/arm.ts';
import { LiveError } from '../core/live/errors.ts';
import type { State } from '../core/state.ts';
import { isBelowOperation, routeOf, soapRouteOf } from '../core/soap.ts';

export class SoapOperationIds {
  readonly #arm: Arm;
  readonly #desired: State;
  readonly #lists = new Map<string, Promise<ArmContract[]>>();

  constructor(arm: Arm, desired: State) {
    this.#arm = arm;
    this.#desired = desired;
  }

  /** The route Git gives the operation in `names`, when it is below a SOAP API's operation; else undefined. */
  routeOf(kind: Kind, names: readonly string[]): string | undefined {
    if (!isBelowOperation(kind)) return undefined;
    return soapRouteOf(this.#desired.get('api', [names[0]!]), names[1]!);
  }

  /**
   * `names` with Git's operation name replaced by the target's id: `names` itself when it is not below a SOAP
   * API's operation, undefined when the target's API has no operation with that route (or no such API).
   */
  async armNames(kind: Kind, names: readonly string[]): Promise<readonly string[] | undefined> {
    if (!isBelowOperation(kind)) return names;
    const id = await this.operationId(names[0]!, names[1]!);
    return id === undefined ? undefined : id === names[1] ? names : [names[0]!, id, ...names.slice(2)];
  }

  /**
   * The target's id of the operation Git names `[api, operation]`: Git's name itself unless it is a SOAP API's,
   * undefined when the target's SOAP API has no operation with that route.
   */
  async operationId(api: string, operation: string): Promise<string | undefined> {
    const route = soapRouteOf(this.#desired.get('api', [api]), operation);
    if (route === undefined) return operation;
    return (await this.#operations(api)).find((o) => routeOf(o.properties.method, o.properties.urlTemplate) === route)?.name;
  }

  /** Forgets an API's operations: it was imported again, and its operations may have new ids. */
  forget(api: string): void {
    this.#lists.delete(api.toLowerCase());
  }

  #operations(api: string): Promise<ArmContract[]> {
    let list = this.#lists.get(api.toLowerCase());
    if (!list) {
      list = this.#arm.listAll('apiOperation', [api]).catch((error: unknown) => {
        if (error instanceof LiveError && error.status === 404) return [];
        throw error;
      });
      // a failed read is not kept: the next item asks again
      list.catch(() => this.#lists.delete(api.toLowerCase()));
      this.#lists.set(api.toLowerCase(), list);
    }
    return list;
  }
}
