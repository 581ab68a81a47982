// What a live APIM request failed with, as ARM said it (`{"error":{"code","message","details"}}`).
export interface LiveErrorDetail {
  code?: string;
  target?: string;
  message?: string;
}

export class LiveError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: LiveErrorDetail[];
  readonly method: string;
  readonly path: string;

  constructor(input: { status: number; code: string; message: string; details?: LiveErrorDetail[]; method: string; path: string }) {
    super(input.message);
    this.name = 'LiveError';
    this.status = input.status;
    this.code = input.code;
    this.details = input.details ?? [];
    this.method = input.method;
    this.path = input.path;
  }

  /** One line for people: status, code, message and the details APIM gave. */
  describe(): string {
    const details = this.details.map((d) => `${d.target ? `${d.target}: ` : ''}${d.message ?? d.code ?? ''}`).filter(Boolean);
    return `${this.status} ${this.code}: ${this.message}${details.length > 0 ? ` (${details.join('; ')})` : ''}`;
  }
}

/** One line for any failure of a live request: APIM's own words when it gave them. */
export function describeError(error: unknown): string {
  if (error instanceof LiveError) return error.describe();
  if (error instanceof Error) return error.message;
  return String(error);
}

/** Reads an ARM error body (or anything else) into a LiveError. */
export function liveErrorFrom(input: { status: number; body: unknown; method: string; path: string }): LiveError {
  const error = (input.body as { error?: { code?: unknown; message?: unknown; details?: unknown } } | undefined)?.error;
  const code = typeof error?.code === 'string' ? error.code : `Http${input.status}`;
  const message = typeof error?.message === 'string' ? error.message : `${input.method} ${input.path} answered ${input.status}`;
  const details = Array.isArray(error?.details) ? (error.details as LiveErrorDetail[]) : [];
  return new LiveError({ status: input.status, code, message, details, method: input.method, path: input.path });
}
