import { K6_EXIT } from "./run.ts";

/** Where the CLI prints and what it runs in; injected so tests run it in process. */
export interface EngineIo {
  out(text: string): void;
  err(text: string): void;
  cwd: string;
  env: Record<string, string | undefined>;
  signal: AbortSignal;
  /** Whether stdout is a terminal: live progress is redrawn there, printed as lines otherwise. */
  stdoutIsTTY?: boolean;
}

/** A usage error: k6 answers a bad flag or argument with exit 104 (invalid config). */
export class EngineUsageError extends Error {
  readonly exitCode = K6_EXIT.invalidConfig;
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
  }
}
