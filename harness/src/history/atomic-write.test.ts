import { chmod, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { writeFileAtomic } from "./atomic-write.ts";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "perfgate-atomic-"));
});
afterEach(async () => {
  await chmod(dir, 0o755).catch(() => {});
  await rm(dir, { recursive: true, force: true });
});

describe("writeFileAtomic", () => {
  it("creates parent folders and writes the whole content", async () => {
    const target = path.join(dir, "a/b/run.json");
    await writeFileAtomic(target, '{"ok":true}\n');
    expect(await readFile(target, "utf8")).toBe('{"ok":true}\n');
    expect(await readdir(path.dirname(target))).toEqual(["run.json"]);
  });

  it("replaces the old content in one step and leaves no temporary file", async () => {
    const target = path.join(dir, "report.md");
    await writeFile(target, "old");
    await writeFileAtomic(target, "new");
    expect(await readFile(target, "utf8")).toBe("new");
    expect(await readdir(dir)).toEqual(["report.md"]);
  });

  it("fails cleanly and keeps the old file when the folder cannot be written", async () => {
    if (process.getuid?.() === 0) {
      // root ignores permission bits; a path under a regular file fails for everyone instead.
      const blocker = path.join(dir, "file");
      await writeFile(blocker, "x");
      await expect(writeFileAtomic(path.join(blocker, "run.json"), "new")).rejects.toMatchObject({
        code: "E_WRITE",
      });
      expect(await readFile(blocker, "utf8")).toBe("x");
      return;
    }
    const target = path.join(dir, "run.json");
    await writeFile(target, "old");
    await chmod(dir, 0o555);
    await expect(writeFileAtomic(target, "new")).rejects.toMatchObject({ code: "E_WRITE" });
    expect(await readFile(target, "utf8")).toBe("old");
  });
});
