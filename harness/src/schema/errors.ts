import { redactText } from "./redact.ts";

/**
 * The one error type of perfgate. Every failure that reaches the user is a HarnessError with a
 * stable code, a message naming what is wrong (file, field), a hint naming the fix, and the
 * process exit code the CLI maps it to. Only `cli/main.ts` turns it into `process.exit`.
 */

/** Exit codes, documented in the README. k6 codes are passed through by `perfgate k6 run`. */
export const EXIT = {
  ok: 0,
  /** An error-level verdict failed (budget, threshold, confirmed regression). */
  verdictFailed: 1,
  /** Bad usage, options or config. */
  usage: 2,
  /** A tool or the app failed to run. */
  toolFailed: 3,
  /** A record does not match the schema or has an unknown major version. */
  schema: 4,
  /** Interrupted by SIGINT/SIGTERM; partial results are kept and marked. */
  interrupted: 130,
} as const;

export type ExitCode = number;

export interface HarnessErrorOptions {
  hint?: string;
  exitCode?: ExitCode;
  cause?: unknown;
}

export class HarnessError extends Error {
  override readonly name = "HarnessError";
  readonly code: string;
  readonly hint: string | undefined;
  readonly exitCode: ExitCode;

  constructor(code: string, message: string, options: HarnessErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.hint = options.hint;
    this.exitCode = options.exitCode ?? EXIT.toolFailed;
  }
}

export function isHarnessError(value: unknown): value is HarnessError {
  return value instanceof HarnessError;
}

/**
 * One line for the terminal: `error[CODE]: message` plus `hint: ...` when there is one. Secrets
 * in the message (a URL with a token, a header) are redacted.
 */
export function formatHarnessError(error: HarnessError): string {
  const hint = error.hint ? `\n  hint: ${error.hint}` : "";
  return redactText(`error[${error.code}]: ${error.message}${hint}`);
}
