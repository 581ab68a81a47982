// Checks one recorded HTTP exchange (request target + response status and body) against the official APIM
// 2024-05-01 contract: the request must map to a spec operation, the status must be declared by it, and the
// body must validate against the declared response schema.
import type { ApimSpec, QueryInput, SpecOperation, SpecResponse } from './spec.ts';
import { isObject, loadSpec } from './spec.ts';
import type { SchemaOptions } from './schema.ts';
import { SchemaCompiler, formatAjvErrors } from './schema.ts';

export { compareShape } from './shape.ts';

export interface Exchange {
  readonly method: string;
  /** ARM path, e.g. `/subscriptions/…/service/svc/apis/echo;rev=2`; may carry a query string or be an absolute URL. */
  readonly path: string;
  /** Extra query parameters (merged with any query string in `path`). */
  readonly query?: QueryInput;
  readonly status: number;
  /** The parsed JSON body; `undefined` or `''` means the response had no body. */
  readonly body?: unknown;
}

export interface ExchangeResult {
  operationId?: string;
  errors: string[];
}

export interface ValidatorOptions extends SchemaOptions {
  /** A loaded spec; defaults to `loadSpec()` (../shared/apim-rest next to the repo). */
  readonly spec?: ApimSpec;
}

export class ConformanceValidator {
  readonly spec: ApimSpec;
  private readonly compiler: SchemaCompiler;

  constructor(options: ValidatorOptions = {}) {
    this.spec = options.spec ?? loadSpec();
    this.compiler = new SchemaCompiler(this.spec, options);
  }

  validateExchange(exchange: Exchange): ExchangeResult {
    const method = exchange.method.toUpperCase();
    const match = this.spec.match(method, exchange.path, exchange.query);
    if (!match) {
      const methods = this.spec.methodsForPath(exchange.path);
      const hint = methods.length > 0 ? ` (the path is defined only for ${methods.join(', ')})` : '';
      return { errors: [`no operation in the spec matches ${method} ${exchange.path}${hint}`] };
    }
    const op = match.operation;
    // HTTP forbids a body on HEAD answers (RFC 9110 §9.3.2): only the status can be checked
    if (method === 'HEAD' && (exchange.body === undefined || exchange.body === '')) {
      const declared = selectResponse(op, exchange.status) !== undefined;
      return { operationId: op.operationId, errors: declared ? [] : [`${op.operationId} ${exchange.status}: status ${exchange.status} is not declared`] };
    }
    return { operationId: op.operationId, errors: this.validateResponse(op, exchange.status, exchange.body) };
  }

  /** Validates a status and body against one operation's declared responses. */
  validateResponse(op: SpecOperation, status: number, body: unknown): string[] {
    const prefix = `${op.operationId} ${status}`;
    const response = selectResponse(op, status);
    if (!response) {
      const declared = [...op.responses.keys()].join(', ');
      return [`${prefix}: status ${status} is not declared (declared: ${declared})`];
    }
    const hasBody = body !== undefined && body !== '';
    if (!response.schema) {
      return hasBody ? [`${prefix}: the spec declares no body for this status, got ${preview(body)}`] : [];
    }
    if (!hasBody) return [`${prefix}: expected a JSON body`];
    const validate = this.compiler.validator(response.schema, `${op.operationId}|${response.status}`);
    if (!validate(body)) return formatAjvErrors(validate.errors).map((e) => `${prefix}: ${e}`);
    // Only once the schema holds, so a malformed error body is not reported twice.
    return response.status === 'default' ? checkArmError(body).map((e) => `${prefix}: ${e}`) : [];
  }
}

/**
 * An explicitly declared status wins; an error status (>= 400) not declared explicitly falls back to `default`,
 * which in ARM specs is the ErrorResponse. A success or redirect status missing from the spec is never covered
 * by `default`, because AutoRest clients treat it as an error.
 */
function selectResponse(op: SpecOperation, status: number): SpecResponse | undefined {
  const exact = op.responses.get(String(status));
  if (exact) return exact;
  if (status >= 400) return op.responses.get('default');
  return undefined;
}

/**
 * Beyond the spec (where every ErrorDetail field is optional): ARM clients surface `error.code` and
 * `error.message` as RestError.code/message, so an error body without them is useless to a caller.
 */
function checkArmError(body: unknown): string[] {
  if (!isObject(body) || !isObject(body.error)) return ['error body must have an `error` object (ARM ErrorResponse)'];
  const errors: string[] = [];
  if (typeof body.error.code !== 'string' || body.error.code === '') errors.push('/error/code: must be a non-empty string');
  if (typeof body.error.message !== 'string') errors.push('/error/message: must be a string');
  return errors;
}

function preview(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

const sharedValidators = new Map<ApimSpec, Map<boolean, ConformanceValidator>>();

/** The shared validator for a spec and strictness, so compiled schemas are reused across tests and calls. */
export function getValidator(options: ValidatorOptions = {}): ConformanceValidator {
  const spec = options.spec ?? loadSpec();
  const strict = options.rejectUndeclaredProperties ?? true;
  let bySpec = sharedValidators.get(spec);
  if (!bySpec) sharedValidators.set(spec, (bySpec = new Map()));
  let validator = bySpec.get(strict);
  if (!validator) {
    validator = new ConformanceValidator({ spec, rejectUndeclaredProperties: strict });
    bySpec.set(strict, validator);
  }
  return validator;
}

/**
 * Validates one exchange against the official contract. Errors when no operation matches, the status is not
 * declared, or the body does not validate. `operationId` is the spec's (e.g. `Api_Get`, `ApiExport_Get`).
 */
export function validateExchange(exchange: Exchange, options?: ValidatorOptions): ExchangeResult {
  return getValidator(options).validateExchange(exchange);
}
