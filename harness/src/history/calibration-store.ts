import { readFile } from "node:fs/promises";
import { writeFileAtomic } from "./atomic-write.ts";

/**
 * `reports/calibration.json`: the A/A noise floor per metric that gates read. A missing or
 * unreadable file is an empty calibration: the gates then fall back to their defaults.
 */
export async function readCalibrationFile<T extends object>(file: string): Promise<Partial<T>> {
  const text = await readFile(file, "utf8").catch(() => undefined);
  if (text === undefined) return {};
  try {
    return (JSON.parse(text) as { metrics?: T }).metrics ?? {};
  } catch {
    return {};
  }
}

export async function writeCalibrationFile(
  file: string,
  metrics: object,
  now: Date,
): Promise<void> {
  await writeFileAtomic(
    file,
    `${JSON.stringify({ updatedAt: now.toISOString(), metrics }, null, 2)}\n`,
  );
}
