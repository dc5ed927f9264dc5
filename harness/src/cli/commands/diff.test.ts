import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { captureIo } from "../../../test/capture-io.ts";
import { runCli } from "../main.ts";

const FIXTURE = path.resolve(import.meta.dirname, "../../../test/fixtures/runs/minimal-run.json");
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "perfgate-diff-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const io = () => captureIo(dir);

describe("perfgate diff", () => {
  it("diffs two valid records", async () => {
    const cli = io();
    expect(await runCli(["diff", FIXTURE, FIXTURE], cli)).toBe(0);
  });

  // issue 22 H10: a truncated record was E_INTERNAL (a SyntaxError with a stack), exit 3.
  it("a truncated record is a schema error naming the file, exit 4", async () => {
    const text = await readFile(FIXTURE, "utf8");
    const truncated = path.join(dir, "truncated.json");
    await writeFile(truncated, text.slice(0, Math.floor(text.length / 2)));
    const cli = io();
    expect(await runCli(["diff", FIXTURE, truncated], cli)).toBe(4);
    expect(cli.output()).toMatch(/error\[E_SCHEMA\]: truncated\.json: not a run record/);
    expect(cli.output()).not.toContain("E_INTERNAL");
  });
});
