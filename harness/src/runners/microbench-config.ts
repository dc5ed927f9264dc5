import { readFile } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { parseConfigJson } from "../schema/index.ts";
import type { InstructionSettings } from "./microbench.ts";

/** Where bench and compare read their measurement settings, relative to the repository root. */
export const MICROBENCH_CONFIG_FILE = "harness/config/microbench.json";

export const MicrobenchConfig = z.strictObject({
  $comment: z.string().optional(),
  measure: z.enum(["time", "instructions"]).default("time"),
  instructions: z
    .strictObject({
      calls: z.number().int().min(1).max(10_000).optional(),
      warmupCalls: z.number().int().min(0).max(100_000).optional(),
      cacheSim: z.boolean().optional(),
      timing: z.boolean().optional(),
    })
    .default({}),
});
export type MicrobenchConfig = z.infer<typeof MicrobenchConfig>;

/** Parses config text, naming the file and every bad field at once. */
export function parseMicrobenchConfig(text: string, file: string): MicrobenchConfig {
  return parseConfigJson(
    MicrobenchConfig,
    text,
    file,
    'e.g. { "measure": "instructions", "instructions": { "calls": 10 } }; see its $comment',
  );
}

/** The repository's config, or the defaults when the file does not exist. */
export async function readMicrobenchConfig(root: string): Promise<MicrobenchConfig> {
  const text = await readFile(path.join(root, MICROBENCH_CONFIG_FILE), "utf8").catch(
    () => undefined,
  );
  return text === undefined
    ? MicrobenchConfig.parse({})
    : parseMicrobenchConfig(text, MICROBENCH_CONFIG_FILE);
}

/** The runner's instruction settings from the config. */
export function instructionSettings(config: MicrobenchConfig): InstructionSettings {
  return { ...config.instructions };
}
