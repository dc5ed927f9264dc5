import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import {
  type ConstructorGrowth,
  diffHeapSnapshots,
  summarizeHeapSnapshot,
} from "../../adapters/heap-snapshot.ts";
import { type MemoryRaw, normalizeMemory } from "../../adapters/memory.ts";
import { captureHeapSnapshot, startMemorySampler } from "../../runners/memory-sampler.ts";
import {
  type ProcessRssSampler,
  type RssSample,
  startProcessRssSampler,
} from "../../runners/process-rss.ts";
import type { QualityWarning, Suite, Verdict } from "../../schema/index.ts";
import { judgeGeneratorMemory } from "../../verdicts/generator-memory.ts";
import { judgeLeak } from "../../verdicts/leak.ts";
import type { LoadContext } from "../load-context.ts";
import type { MemoryProfile } from "../profiles.ts";
import type { Stage } from "../stage.ts";

export interface MemoryStageOptions {
  /** The app under load; it must run with PERFGATE_APP_DEBUG=on. */
  baseUrl: string;
  allowHosts?: readonly string[];
  profile: MemoryProfile;
  rawDir: string;
  signal: AbortSignal;
  log: (line: string) => void;
}

export interface MemoryStageResult {
  suite: Suite;
  /** The leak verdict, then the generator-memory verdict. */
  verdicts: Verdict[];
  warnings: QualityWarning[];
}

/** The load generator's RSS may grow at most this much over a soak (issue #4's goal). */
export const GENERATOR_MAX_GROWTH_PCT = 10;

export interface MemoryStage {
  /** Also sample the load generator's RSS (the scenario's engine or k6 process). */
  watchGenerator(pid: number): void;
  /** Stop sampling, take the final snapshot, judge. Never throws: failures become warnings. */
  finish(): Promise<MemoryStageResult>;
}

const SUITE_ID = "memory";

function message(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split("\n")[0] ?? "failed";
}

async function summarizeFile(file: string) {
  return summarizeHeapSnapshot(JSON.parse(await readFile(file, "utf8")), file);
}

/**
 * Start sampling the app's memory while the load phase runs; the first heap snapshot is taken
 * at the start of the steady phase, the second by `finish()` when the load is over. Raw output
 * goes to `<rawDir>/memory/`: samples.json, steady.heapsnapshot, end.heapsnapshot, growth.json.
 */
export function startMemoryStage(options: MemoryStageOptions): MemoryStage {
  const { baseUrl, profile, signal, log } = options;
  const dir = path.join(options.rawDir, "memory");
  const warnings: QualityWarning[] = [];
  const sampler = startMemorySampler({
    baseUrl,
    intervalMs: profile.intervalMs,
    signal,
    ...(options.allowHosts ? { allowHosts: options.allowHosts } : {}),
  });
  const snapshotOptions = {
    signal,
    ...(options.allowHosts ? { allowHosts: options.allowHosts } : {}),
  };
  let steadySnapshot: Promise<string | undefined> | undefined;
  const timer = setTimeout(() => {
    const file = path.join(dir, "steady.heapsnapshot");
    steadySnapshot = captureHeapSnapshot(baseUrl, file, snapshotOptions).then(
      (taken) => {
        log(`memory: steady-phase heap snapshot (${(taken.bytes / 1e6).toFixed(1)} MB)`);
        return taken.file;
      },
      (error) => {
        warnings.push({ code: "stage-skipped", suite: SUITE_ID, message: message(error) });
        return undefined;
      },
    );
  }, profile.snapshotAfterSeconds * 1000);
  log(
    `memory: sampling ${baseUrl}/debug/memory every ${profile.intervalMs} ms, leak threshold ${profile.thresholdMbPerMin} MB/min`,
  );

  // One series per generator process; the longest is judged (a soak runs one scenario).
  const generators: ProcessRssSampler[] = [];

  return {
    watchGenerator(pid) {
      generators.push(startProcessRssSampler(pid, profile.intervalMs));
    },
    async finish() {
      clearTimeout(timer);
      const sampling = await sampler.stop();
      const generatorSeries = await Promise.all(generators.map((g) => g.stop()));
      const generator = generatorSeries.reduce<RssSample[]>(
        (longest, series) => (series.length > longest.length ? series : longest),
        [],
      );
      const steadyFile = await steadySnapshot;
      let growth: ConstructorGrowth[] | undefined;
      if (steadyFile && !signal.aborted) {
        try {
          const end = await captureHeapSnapshot(
            baseUrl,
            path.join(dir, "end.heapsnapshot"),
            snapshotOptions,
          );
          growth = diffHeapSnapshots(
            await summarizeFile(steadyFile),
            await summarizeFile(end.file),
          );
        } catch (error) {
          warnings.push({ code: "stage-skipped", suite: SUITE_ID, message: message(error) });
        }
      } else if (!steadySnapshot) {
        warnings.push({
          code: "stage-skipped",
          suite: SUITE_ID,
          message: `no heap snapshot diff: the load ended before the steady phase (${profile.snapshotAfterSeconds} s)`,
        });
      }
      if (sampling.failedPolls > 0) {
        warnings.push({
          code: "http-errors",
          suite: SUITE_ID,
          message: `${sampling.failedPolls} memory polls failed (last: ${sampling.lastError}); is the app running with PERFGATE_APP_DEBUG=on?`,
        });
      }
      const raw: MemoryRaw = {
        intervalMs: profile.intervalMs,
        samples: sampling.samples,
        failedPolls: sampling.failedPolls,
        truncated: sampling.truncated,
        ...(generator.length > 0 ? { generator } : {}),
      };
      await mkdir(dir, { recursive: true });
      await writeFile(path.join(dir, "samples.json"), `${JSON.stringify(raw)}\n`);
      if (growth)
        await writeFile(path.join(dir, "growth.json"), `${JSON.stringify(growth, null, 2)}\n`);
      const normalized = normalizeMemory({ id: SUITE_ID, raw });
      const verdict = judgeLeak(normalized.suite, {
        thresholdMbPerMin: profile.thresholdMbPerMin,
        ...(growth ? { growth } : {}),
      });
      const generatorVerdict = judgeGeneratorMemory(normalized.suite, GENERATOR_MAX_GROWTH_PCT);
      log(`memory: ${verdict.message}`);
      log(`memory: ${generatorVerdict.message}`);
      return {
        suite: normalized.suite,
        verdicts: [verdict, generatorVerdict],
        warnings: [...normalized.warnings, ...warnings],
      };
    },
  };
}

/** Starts sampling the app's memory before the scenarios; the memory stage judges it after them. */
export const memorySamplingStage: Stage<LoadContext> = {
  id: "memory-sampling",
  unit: { id: SUITE_ID, kind: "memory", tool: "perfgate-memory" },
  skip: ({ profile, baseUrl }) =>
    !profile.memory ? "not configured in this profile" : baseUrl ? undefined : "no app to sample",
  describe: ({ profile }) =>
    `memory: sampling the app's heap every ${profile.memory?.intervalMs} ms while the scenarios run`,
  async run(context) {
    context.memory = startMemoryStage({
      baseUrl: context.baseUrl as string,
      profile: context.profile.memory as MemoryProfile,
      rawDir: context.rawDir,
      signal: context.signal,
      log: context.log,
      allowHosts: context.allowHosts,
    });
    return { suites: [] };
  },
};

/** Stops the sampling the scenarios ran under, takes the last snapshot and judges leaks. */
export const memoryStage: Stage<LoadContext> = {
  id: "memory",
  unit: { kind: "memory", tool: "perfgate-memory" },
  alsoWhenInterrupted: true,
  skip: ({ memory }) => (memory ? undefined : "no memory sampling ran"),
  describe: () => "memory: judging the app's retained-memory slope and the generator's RSS",
  async run(context) {
    const memory = context.memory as MemoryStage;
    context.memory = undefined;
    const result = await memory.finish();
    return { suites: [result.suite], verdicts: result.verdicts, warnings: result.warnings };
  },
};
