import process from "node:process";
import { EXIT, formatHarnessError, HarnessError, isHarnessError } from "../schema/errors.ts";
import { nearestHint } from "../schema/hints.ts";
import type { CliIo } from "./command.ts";
import { type CommandEntry, commands } from "./commands/index.ts";
import { renderCommandHelp } from "./help.ts";
import { harnessVersion } from "./version.ts";

function renderHelp(): string {
  const width = Math.max(...Object.keys(commands).map((name) => name.length));
  const lines = Object.entries(commands).map(
    ([name, command]) => `  ${name.padEnd(width)}  ${command.summary}`,
  );
  return `perfgate <command> [options]\n\ncommands:\n${lines.join("\n")}\n\noptions:\n  -h, --help     this list; \`perfgate <command> --help\` for a command's flags\n  -v, --version  print the version\n\nexample:\n  npx perfgate init --yes && npx perfgate load\n`;
}

const HELP_FLAGS = new Set(["--help", "-h"]);

/** Runs one command and maps every outcome to an exit code. Never exits the process itself. */
export async function runCli(argv: string[], io: CliIo = processIo()): Promise<number> {
  const [name, ...rest] = argv;
  try {
    if (name === undefined || name === "--help" || name === "-h" || name === "help") {
      io.out(renderHelp());
      return name === undefined ? EXIT.usage : EXIT.ok;
    }
    if (name === "--version" || name === "-v" || name === "version") {
      io.out(`${harnessVersion()}\n`);
      return EXIT.ok;
    }
    const entry: CommandEntry | undefined = Object.hasOwn(commands, name)
      ? commands[name as keyof typeof commands]
      : undefined;
    if (!entry) {
      throw new HarnessError("E_USAGE", `unknown command "${name}"`, {
        hint: `${nearestHint(name, Object.keys(commands))}run \`perfgate --help\` for the list: ${Object.keys(commands).join(", ")}`,
        exitCode: EXIT.usage,
      });
    }
    const command = await entry.load();
    // `--help` anywhere before a `--` separator: the user asks, nothing runs.
    const own = rest.includes("--") ? rest.slice(0, rest.indexOf("--")) : rest;
    if (own.some((arg) => HELP_FLAGS.has(arg))) {
      io.out(renderCommandHelp(entry.summary, command));
      return EXIT.ok;
    }
    return await command.run(rest, io);
  } catch (error) {
    if (isHarnessError(error)) {
      io.err(`${formatHarnessError(error)}\n`);
      return error.exitCode;
    }
    // A bug, not a user error: keep the stack so it can be reported.
    io.err(`error[E_INTERNAL]: ${(error as Error)?.stack ?? String(error)}\n`);
    return EXIT.toolFailed;
  }
}

/** The real process wiring: stdout/stderr, env, and an AbortSignal fired by SIGINT/SIGTERM. */
export function processIo(): CliIo {
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      // Second Ctrl+C: the user insists; leave now with the conventional code.
      process.exit(signal === "SIGINT" ? EXIT.interrupted : 143);
    }
    process.stderr.write(`\nperfgate: ${signal} received, stopping and keeping partial results…\n`);
    controller.abort(
      new HarnessError("E_INTERRUPTED", `interrupted by ${signal}`, { exitCode: EXIT.interrupted }),
    );
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  return {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    cwd: process.cwd(),
    env: process.env,
    signal: controller.signal,
  };
}

/** Entry point of the `perfgate` bin: the one place that exits the process. */
export async function cliMain(): Promise<void> {
  const code = await runCli(process.argv.slice(2));
  // Flush stdio first so piped output is not cut off.
  process.stdout.write("", () => process.exit(code));
}
