import { type ParseArgsConfig, parseArgs } from "node:util";
import { EXIT, HarnessError } from "../schema/errors.ts";

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

/** Edit distance (insert, delete, substitute), for "did you mean" hints. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitute = (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min(
        (previous[j] as number) + 1,
        (current[j - 1] as number) + 1,
        substitute,
      );
    }
    previous = current;
  }
  return previous[b.length] as number;
}

/**
 * `did you mean "--profile"? ` for the known name nearest to a mistyped one, when it is close
 * enough to be a typo (at most a third of its letters off); "" otherwise.
 */
export function nearestHint(typed: string, known: readonly string[]): string {
  let best: { name: string; distance: number } | undefined;
  for (const name of known) {
    const distance = editDistance(typed, name);
    if (!best || distance < best.distance) best = { name, distance };
  }
  if (!best || best.distance > Math.max(2, Math.floor(best.name.length / 3))) return "";
  return `did you mean "${best.name}"? `;
}
