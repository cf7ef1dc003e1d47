// Error classes the CLI maps to exit codes. Everything below cli/ throws these (or returns
// diagnostics); only cli/main.ts turns them into process exit codes.

export const EXIT = { ok: 0, failed: 1, usage: 2, interrupted: 130 } as const;

/** Bad input: usage or configuration. Exit 2, nothing executed. */
export class UsageError extends Error {
  readonly exitCode = EXIT.usage;
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

/** A guest operation failed. Exit 1. */
export class OperationError extends Error {
  readonly exitCode = EXIT.failed;
  constructor(message: string) {
    super(message);
    this.name = 'OperationError';
  }
}
