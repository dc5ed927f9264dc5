import { readFile } from "node:fs/promises";
import path from "node:path";
import { type InstanceSummary, mergeSummaries } from "../../engine/merge.ts";
import { runEngine } from "../../engine/run.ts";
import { executionTuple } from "../../engine/segment.ts";
import { writeFileAtomic } from "../../history/atomic-write.ts";
import { EXIT, HarnessError } from "../../schema/index.ts";
import { parseCommandArgs } from "../args.ts";
import type { CliIo, Command } from "../command.ts";

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
  "execution-segment": { type: "string" },
  "execution-segment-sequence": { type: "string" },
} as const;

async function readInstance(dir: string, cwd: string): Promise<InstanceSummary> {
  const read = async (name: string) => {
    const file = path.resolve(cwd, dir, name);
    try {
      return JSON.parse(await readFile(file, "utf8"));
    } catch (cause) {
      throw new HarnessError(
        "E_MERGE_INPUT",
        `${path.join(dir, name)}: cannot read (${(cause as Error).message})`,
        {
          hint: "each input is a folder holding summary-export.json and hdr.json (`k6 run --summary-export ... --hdr-out ...`)",
          exitCode: EXIT.usage,
          cause,
        },
      );
    }
  };
  return { summary: await read("summary-export.json"), histograms: await read("hdr.json") };
}

/** `perfgate k6 merge <dir>... --out <dir>`: exact merge of several engine instances' summaries. */
async function runMerge(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs("k6 merge", argv, { out: { type: "string" } });
  if (positionals.length < 2 || !values.out) {
    throw new HarnessError(
      "E_USAGE",
      "k6 merge: expected two or more input folders and --out <folder>",
      {
        hint: "perfgate k6 merge .perf/a .perf/b --out .perf/merged",
        exitCode: EXIT.usage,
      },
    );
  }
  const merged = mergeSummaries(
    await Promise.all(positionals.map((dir) => readInstance(dir, io.cwd))),
  );
  const out = path.resolve(io.cwd, values.out);
  await writeFileAtomic(
    path.join(out, "summary-export.json"),
    `${JSON.stringify(merged.summary, null, 4)}\n`,
  );
  await writeFileAtomic(path.join(out, "hdr.json"), `${JSON.stringify(merged.histograms)}\n`);
  io.out(
    `merged ${positionals.length} summaries into ${values.out}/{summary-export.json,hdr.json}\n`,
  );
  return EXIT.ok;
}

function usage(message: string): HarnessError {
  return new HarnessError("E_USAGE", `k6 run: ${message}`, {
    hint: "perfgate k6 run [--vus N] [--duration 30s] [--iterations N] [-e K=V] [--summary-export f.json] [--out json=f.ndjson] [--execution-segment 0:1/2 --execution-segment-sequence 0,1/2,1] <script.ts|js>",
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
  summary:
    "k6 run <script.ts|js> [k6 flags] | k6 merge <dir>... --out <dir>: the built-in k6 engine",
  async run(argv, io) {
    const [sub, ...rest] = argv;
    if (sub === "merge") return runMerge(rest, io);
    if (sub !== "run") {
      throw usage(`expected "run" or "merge", got ${sub === undefined ? "nothing" : `"${sub}"`}`);
    }
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
    const segment = values["execution-segment"];
    const sequence = values["execution-segment-sequence"];
    try {
      executionTuple(segment, sequence);
    } catch (error) {
      throw usage((error as Error).message);
    }
    const code = await runEngine({
      script: positionals[0] as string,
      executionSegment: segment,
      executionSegmentSequence: sequence,
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
