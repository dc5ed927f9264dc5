import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withReportsLock } from "./lock.ts";

let dir: string;
let other: ChildProcess;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "perfgate-lock-"));
  // A live process that is not this one: the owner of a lock another run holds.
  other = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60_000)"], { stdio: "ignore" });
});
afterAll(async () => {
  other.kill("SIGKILL");
  await rm(dir, { recursive: true, force: true });
});

describe("withReportsLock", () => {
  // issue 22 H7: a load run holds the lock from start to commit; its writes take it again.
  it("is re-entrant: work inside the lock takes it again without waiting for itself", async () => {
    const reports = path.join(dir, "reentrant");
    const result = await withReportsLock(
      reports,
      () => withReportsLock(reports, async () => "inner", { timeoutMs: 0 }),
      { timeoutMs: 0 },
    );
    expect(result).toBe("inner");
  });

  it("a second holder in this process is not re-entrant: it waits or refuses", async () => {
    const reports = path.join(dir, "concurrent");
    let release = () => {};
    const first = withReportsLock(reports, () => new Promise<void>((r) => (release = r)));
    await new Promise((resolve) => setTimeout(resolve, 50));
    await expect(withReportsLock(reports, async () => 1, { timeoutMs: 0 })).rejects.toMatchObject({
      code: "E_LOCKED",
    });
    release();
    await first;
  });

  it("a lock held by another live process refuses at once with timeoutMs 0, naming it", async () => {
    const reports = path.join(dir, "held");
    await withReportsLock(reports, async () => {}); // creates the folder
    await writeFile(path.join(reports, ".lock"), String(other.pid));
    const t0 = Date.now();
    const error = await withReportsLock(reports, async () => "never", {
      timeoutMs: 0,
      purpose: "load",
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "E_LOCKED", exitCode: 3 });
    expect((error as Error).message).toContain(
      `load: ${reports} is in use by another perfgate run (process ${other.pid}`,
    );
    expect(Date.now() - t0).toBeLessThan(5_000);
    await rm(path.join(reports, ".lock"));
  });

  // issue 22 H9: an unwritable reports folder was E_INTERNAL with a stack.
  it("a reports folder that cannot be created is E_WRITE naming the path", async () => {
    const file = path.join(dir, "a-file");
    await writeFile(file, "");
    const reports = path.join(file, "reports");
    const error = await withReportsLock(reports, async () => {}).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "E_WRITE", exitCode: 3 });
    expect((error as Error).message).toContain(
      `${reports}: cannot write the reports folder (ENOTDIR)`,
    );
  });
});
