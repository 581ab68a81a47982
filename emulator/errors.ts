// ARM error bodies as APIM sends them: `{"error":{"code","message","details":[{code,target,message}]}}`.

export interface ErrorDetail {
  code: string;
  target: string;
  message: string;
}

export class ArmError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: ErrorDetail[] | null;
  readonly headers: Record<string, string>;
  /** refused before the request is accepted, even for long-running kinds (malformed requests, missing fields) */
  readonly immediate: boolean;

  constructor(status: number, code: string, message: string, options: { details?: ErrorDetail[]; headers?: Record<string, string>; immediate?: boolean } = {}) {
    super(message);
    this.name = 'ArmError';
    this.status = status;
    this.code = code;
    this.details = options.details ?? null;
    this.headers = options.headers ?? {};
    this.immediate = options.immediate ?? false;
  }

  body(): { error: { code: string; message: string; details: ErrorDetail[] | null } } {
    return { error: { code: this.code, message: this.message, details: this.details } };
  }
}

/** APIM's 400 for field problems: one umbrella message, the specifics in `details` (apiops #491, #837). */
export function validationError(details: ErrorDetail[], options: { immediate?: boolean } = {}): ArmError {
  return new ArmError(400, 'ValidationError', 'One or more fields contain incorrect values:', { details, immediate: options.immediate });
}

export function fieldError(target: string, message: string, options: { immediate?: boolean } = {}): ArmError {
  return validationError([{ code: 'ValidationError', target, message }], options);
}

/** APIM's 404 names the entity kind: "Api not found." (apiops #643). */
export function notFound(entity: string): ArmError {
  return new ArmError(404, 'ResourceNotFound', `${entity} not found.`);
}

export function badRequest(message: string, code = 'BadRequest'): ArmError {
  return new ArmError(400, code, message);
}
