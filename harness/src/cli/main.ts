import process from "node:process";
import { EXIT, formatHarnessError, HarnessError, isHarnessError } from "../schema/index.ts";
import type { CliIo, Command } from "./command.ts";
import { commands } from "./commands/index.ts";

function renderHelp(): string {
  const width = Math.max(...Object.keys(commands).map((name) => name.length));
  const lines = Object.entries(commands).map(
    ([name, command]) => `  ${name.padEnd(width)}  ${command.summary}`,
  );
  return `perfgate <command> [options]\n\ncommands:\n${lines.join("\n")}\n`;
}

/** Runs one command and maps every outcome to an exit code. Never exits the process itself. */
export async function runCli(argv: string[], io: CliIo = processIo()): Promise<number> {
  const [name, ...rest] = argv;
  try {
    if (name === undefined || name === "--help" || name === "-h" || name === "help") {
      io.out(renderHelp());
      return name === undefined ? EXIT.usage : EXIT.ok;
    }
    const command: Command | undefined = commands[name as keyof typeof commands];
    if (!command) {
      throw new HarnessError("E_USAGE", `unknown command "${name}"`, {
        hint: `run \`perfgate --help\` for the list: ${Object.keys(commands).join(", ")}`,
        exitCode: EXIT.usage,
      });
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
