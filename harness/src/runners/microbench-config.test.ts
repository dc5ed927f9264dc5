import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  MICROBENCH_CONFIG_FILE,
  parseMicrobenchConfig,
  readMicrobenchConfig,
} from "./microbench-config.ts";

describe("microbench config", () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("reads the repository's own file", async () => {
    const config = await readMicrobenchConfig(path.join(import.meta.dirname, "../../.."));
    expect(config.measure).toBe("time");
    expect(config.instructions.calls).toBeGreaterThan(0);
  });

  it("defaults to time when the file is missing, and reads instructions mode", async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "mb-config-"));
    expect((await readMicrobenchConfig(dir)).measure).toBe("time");
    await mkdir(path.join(dir, "harness/config"), { recursive: true });
    await writeFile(
      path.join(dir, MICROBENCH_CONFIG_FILE),
      JSON.stringify({ measure: "instructions", instructions: { cacheSim: false } }),
    );
    const config = await readMicrobenchConfig(dir);
    expect(config).toMatchObject({ measure: "instructions", instructions: { cacheSim: false } });
  });

  it("names the file and the field of a bad value", () => {
    expect(() => parseMicrobenchConfig('{"measure":"cycles"}', "x.json")).toThrow(
      /x\.json: .*measure/,
    );
    expect(() => parseMicrobenchConfig('{"instructions":{"calls":0}}', "x.json")).toThrow(
      /instructions\.calls/,
    );
    expect(() => parseMicrobenchConfig("{", "x.json")).toThrow(/not valid JSON/);
  });
});
