/** A CLI command: thin wiring from parsed arguments to stages; returns the exit code. */
export interface Command {
  /** One line for `perfgate --help`. */
  summary: string;
  /** `argv` holds everything after the command name. */
  run(argv: string[], io: CliIo): Promise<number>;
}

/** Where commands print. Injected so tests can capture output. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** Working directory that relative paths resolve against (the repository root by default). */
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Aborted on SIGINT/SIGTERM; long stages stop and keep partial results. */
  signal: AbortSignal;
}
