import { type ParseArgsConfig, parseArgs } from "node:util";
import { EXIT, HarnessError } from "../schema/index.ts";

type Options = NonNullable<ParseArgsConfig["options"]>;

/**
 * Strict argument parsing: unknown flags are usage errors that name the flag and list the
 * known ones, instead of being silently ignored.
 */
export function parseCommandArgs<T extends Options>(command: string, argv: string[], options: T) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (cause) {
    const known = Object.keys(options)
      .map((name) => `--${name}`)
      .join(", ");
    throw new HarnessError("E_USAGE", `${command}: ${(cause as Error).message}`, {
      hint: `known options: ${known || "(none)"}; see \`perfgate ${command} --help\``,
      exitCode: EXIT.usage,
      cause,
    });
  }
}

/** An integer flag within [min, max], or a usage error naming the command, the flag and the range. */
export function integerFlag(
  command: string,
  flag: string,
  value: string,
  min: number,
  max: number,
): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new HarnessError(
      "E_USAGE",
      `${command}: --${flag} "${value}" is not an integer ${min}-${max}`,
      {
        hint: `e.g. --${flag} ${min}`,
        exitCode: EXIT.usage,
      },
    );
  }
  return n;
}
