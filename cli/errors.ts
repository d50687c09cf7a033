/**
 * CLI error taxonomy. Every failure a user can cause ends in one clear line, never a stack trace:
 * exit 2 for usage (unknown command, bad flag), 1 for bad input files or a failed operation.
 */
export class UsageError extends Error {
  readonly exitCode = 2;
}

export class InputError extends Error {
  readonly exitCode = 1;
}
