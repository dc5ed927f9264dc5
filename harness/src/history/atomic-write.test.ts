import { execFileSync } from "node:child_process";
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
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

describe("a full disk", () => {
  // A 64 KiB tmpfs is a real full disk; mounting one needs root, which CI has.
  const mountPoint = path.join(os.tmpdir(), `perfgate-full-${process.pid}`);
  let mounted = false;
  beforeEach(async () => {
    await mkdir(mountPoint, { recursive: true });
    try {
      execFileSync("mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", mountPoint], {
        stdio: "ignore",
      });
      mounted = true;
    } catch {
      mounted = false;
    }
  });
  afterEach(async () => {
    if (mounted) execFileSync("umount", [mountPoint]);
    await rm(mountPoint, { recursive: true, force: true });
  });

  it("fails with ENOSPC named, keeps the old file whole and leaves no temporary file", async (context) => {
    if (!mounted) context.skip();
    const target = path.join(mountPoint, "run.json");
    await writeFileAtomic(target, "old");
    await expect(writeFileAtomic(target, "x".repeat(200 * 1024))).rejects.toMatchObject({
      code: "E_WRITE",
      hint: "free disk space and run again",
      message: expect.stringContaining("write failed (ENOSPC); the previous file is untouched"),
    });
    expect(await readFile(target, "utf8")).toBe("old");
    expect(await readdir(mountPoint)).toEqual(["run.json"]);
  });
});
