import type { Flags } from "./flags.ts";

/** What `perfgate <command> --help` prints besides the flags, which describe themselves. */
export interface CommandHelp {
  /** The synopsis after `perfgate `, e.g. `load [options]`. */
  usage: string;
  /** Text printed after the summary (e.g. a command's subcommands). */
  details?: string;
  /** Whole command lines, e.g. `perfgate load --profile full`. */
  examples: string[];
}

/** A CLI command: thin wiring from parsed arguments to stages; returns the exit code. */
export interface Command {
  help: CommandHelp;
  /** The flags `run` parses, so help can list them. */
  options?: Flags;
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
