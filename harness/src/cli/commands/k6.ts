import { runEngine } from "../../engine/run.ts";
import { EXIT, HarnessError } from "../../schema/index.ts";
import { parseCommandArgs } from "../args.ts";
import type { Command } from "../command.ts";

const RUN_OPTIONS = {
  "summary-export": { type: "string" },
  out: { type: "string", short: "o", multiple: true },
  "summary-trend-stats": { type: "string" },
  env: { type: "string", short: "e", multiple: true },
  vus: { type: "string", short: "u" },
  duration: { type: "string", short: "d" },
  iterations: { type: "string", short: "i" },
  "hdr-out": { type: "string" },
  "no-thresholds": { type: "boolean" },
  "no-summary": { type: "boolean" },
  "no-color": { type: "boolean" },
  quiet: { type: "boolean", short: "q" },
  "include-system-env-vars": { type: "string" },
} as const;

function usage(message: string): HarnessError {
  return new HarnessError("E_USAGE", `k6 run: ${message}`, {
    hint: "perfgate k6 run [--vus N] [--duration 30s] [--iterations N] [-e K=V] [--summary-export f.json] [--out json=f.ndjson] <script.ts|js>",
    exitCode: 104,
  });
}

function positiveInt(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1)
    throw usage(`--${name} must be a positive integer, got "${text}"`);
  return value;
}

/**
 * `perfgate k6 run <script>`: k6's CLI on the built-in engine. Exit codes are k6's (99
 * thresholds, 104 config, 105 interrupted, 107 script error, 108 aborted, 110 failed).
 */
export const k6Command: Command = {
  summary: "k6 run <script.ts|js> [k6 flags]: run a k6 script on the built-in engine",
  async run(argv, io) {
    const [sub, ...rest] = argv;
    if (sub !== "run")
      throw usage(`expected "run", got ${sub === undefined ? "nothing" : `"${sub}"`}`);
    let parsed: ReturnType<typeof parseCommandArgs<typeof RUN_OPTIONS>>;
    try {
      parsed = parseCommandArgs("k6 run", rest, RUN_OPTIONS);
    } catch (error) {
      if (error instanceof HarnessError) throw usage(error.message.replace(/^k6 run: /, ""));
      throw error;
    }
    const { values, positionals } = parsed;
    if (positionals.length !== 1) throw usage(`expected one script, got ${positionals.length}`);
    let outJson: string | undefined;
    for (const out of values.out ?? []) {
      if (!out.startsWith("json="))
        throw usage(`--out ${out}: only json=<file> is supported by the built-in engine`);
      outJson = out.slice("json=".length);
    }
    const vars: Record<string, string> =
      values["include-system-env-vars"] === "false"
        ? {}
        : { ...(io.env as Record<string, string>) };
    for (const pair of values.env ?? []) {
      const eq = pair.indexOf("=");
      if (eq <= 0) throw usage(`-e ${pair}: expected KEY=VALUE`);
      vars[pair.slice(0, eq)] = pair.slice(eq + 1);
    }
    const code = await runEngine({
      script: positionals[0] as string,
      env: vars,
      overrides: {
        ...(values.vus !== undefined ? { vus: positiveInt("vus", values.vus) } : {}),
        ...(values.duration !== undefined ? { duration: values.duration } : {}),
        ...(values.iterations !== undefined
          ? { iterations: positiveInt("iterations", values.iterations) }
          : {}),
      },
      summaryExport: values["summary-export"],
      outJson,
      hdrOut: values["hdr-out"],
      trendStats: values["summary-trend-stats"]
        ?.split(",")
        .map((s) => s.trim())
        .filter(Boolean),
      noThresholds: values["no-thresholds"] ?? false,
      noSummary: values["no-summary"] ?? false,
      noColor: values["no-color"] ?? false,
      signal: io.signal,
      stdout: values.quiet ? () => {} : io.out,
      stderr: io.err,
    });
    return code === 0 ? EXIT.ok : code;
  },
};
