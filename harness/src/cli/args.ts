import { type ParseArgsConfig, parseArgs } from "node:util";
import { parseDuration } from "@perfgate/engine";
import { EXIT, HarnessError } from "../schema/errors.ts";
import { nearestHint } from "../schema/hints.ts";

type Options = NonNullable<ParseArgsConfig["options"]>;

/**
 * Strict argument parsing: unknown flags are usage errors that name the flag and list the
 * known ones, instead of being silently ignored.
 */
export function parseCommandArgs<T extends Options>(command: string, argv: string[], options: T) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (cause) {
    const names = Object.keys(options).map((name) => `--${name}`);
    const unknown = /Unknown option '([^']+)'/.exec((cause as Error).message)?.[1];
    const nearest = unknown ? nearestHint(unknown.split("=")[0] as string, names) : "";
    throw new HarnessError("E_USAGE", `${command}: ${(cause as Error).message}`, {
      hint: `${nearest}known options: ${names.join(", ") || "(none)"}; see \`perfgate ${command} --help\``,
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

/** A k6 duration (`30m`, `1h30m`, `90s`) in milliseconds, or a usage error naming the flag. */
export function durationFlag(command: string, flag: string, value: string): number {
  const ms = parseDuration(value);
  if (ms !== undefined && ms > 0) return ms;
  throw new HarnessError("E_USAGE", `${command}: --${flag} "${value}" is not a duration`, {
    hint: `a k6 duration, e.g. --${flag} 30m`,
    exitCode: EXIT.usage,
  });
}

/** A `flag` value that must be one of `choices`; else a usage error listing them. */
export function choiceFlag<C extends string>(
  command: string,
  flag: string,
  value: string,
  choices: readonly C[],
): C {
  if ((choices as readonly string[]).includes(value)) return value as C;
  throw new HarnessError(
    "E_USAGE",
    `${command}: --${flag} "${value}" is not one of ${choices.join(", ")}`,
    { hint: `${nearestHint(value, choices)}e.g. --${flag} ${choices[0]}`, exitCode: EXIT.usage },
  );
}

/** `flag` values, comma-separated or repeated, each one of `choices`. */
export function choicesFlag<C extends string>(
  command: string,
  flag: string,
  values: string | readonly string[],
  choices: readonly C[],
): C[] {
  return [values]
    .flat()
    .flatMap((value) => value.split(","))
    .map((value) => choiceFlag(command, flag, value.trim(), choices));
}

/** `KEY=VALUE` pairs (k6's `-e`); a malformed pair is a usage error naming it. */
export function keyValueFlag(
  command: string,
  flag: string,
  pairs: readonly string[],
  example: string,
): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf("=");
    if (eq <= 0) {
      throw new HarnessError("E_USAGE", `${command}: --${flag} "${pair}" is not KEY=VALUE`, {
        hint: `e.g. --${flag} ${example}`,
        exitCode: EXIT.usage,
      });
    }
    vars[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return vars;
}

/** A logger prefixing each line with the command's name and the seconds since it started. */
export function elapsedLogger(prefix: string, err: (text: string) => void): (line: string) => void {
  const started = Date.now();
  return (line) =>
    err(`[${prefix} ${((Date.now() - started) / 1000).toFixed(1).padStart(5)}s] ${line}\n`);
}
