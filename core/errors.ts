// Typed errors: the entry point turns them into exit codes; nothing below the entry point exits the process.

export const EXIT = { ok: 0, failure: 1, changes: 2 } as const;

/** A problem the user can fix (bad flag, bad file, unreachable target): printed without a stack trace. */
export class UserError extends Error {
  readonly exitCode: number;
  constructor(message: string, options: { exitCode?: number; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'UserError';
    this.exitCode = options.exitCode ?? EXIT.failure;
  }
}
