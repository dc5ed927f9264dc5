import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { selectK6Engine } from "./k6.ts";

// A stand-in `k6` executable: engine selection only looks for the binary and asks its version.
let binDir: string;
beforeAll(async () => {
  binDir = await mkdtemp(path.join(os.tmpdir(), "perfgate-k6-bin-"));
  await writeFile(
    path.join(binDir, "k6"),
    "#!/bin/sh\necho 'k6 v0.48.0 (go1.19.8, linux/amd64)'\n",
  );
  await chmod(path.join(binDir, "k6"), 0o755);
});
afterAll(async () => {
  await rm(binDir, { recursive: true, force: true });
});

describe("selectK6Engine", () => {
  it("uses the built-in engine when k6 is not found", async () => {
    const engine = await selectK6Engine({ PATH: "/nonexistent" });
    expect(engine.kind).toBe("builtin");
    // Found from the harness package, wherever the working directory is.
    expect(engine.path).toBe(
      path.resolve(import.meta.dirname, "../../../engine/bin/perfgate-k6.mjs"),
    );
  });

  it("uses the real k6 found on PATH, with its version", async () => {
    const engine = await selectK6Engine({ PATH: `/nonexistent${path.delimiter}${binDir}` });
    expect(engine).toEqual({ kind: "k6", path: path.join(binDir, "k6"), version: "0.48.0" });
  });

  it("prefers K6_PATH over PATH", async () => {
    const engine = await selectK6Engine({
      PATH: "/nonexistent",
      K6_PATH: path.join(binDir, "k6"),
    });
    expect(engine.kind).toBe("k6");
  });

  it("PERFGATE_ENGINE=builtin forces the built-in engine even when k6 is installed", async () => {
    const engine = await selectK6Engine({ PATH: binDir, PERFGATE_ENGINE: "builtin" });
    expect(engine.kind).toBe("builtin");
  });

  it("a K6_PATH that is not executable is a usage error, not a silent fallback", async () => {
    await expect(selectK6Engine({ PATH: binDir, K6_PATH: "/no/such/k6" })).rejects.toMatchObject({
      code: "E_K6_PATH",
      exitCode: 2,
    });
  });
});
