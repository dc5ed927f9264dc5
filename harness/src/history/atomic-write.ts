import { randomBytes } from "node:crypto";
import { mkdir, open, rename, rm } from "node:fs/promises";
import path from "node:path";
import { EXIT, HarnessError } from "../schema/index.ts";

/**
 * Write a file so that readers see either the old content or the whole new content, never a
 * prefix: write to a temporary sibling, fsync, then rename over the target (atomic on POSIX).
 * On any failure (disk full included) the temporary file is removed and the target is untouched.
 */
export async function writeFileAtomic(target: string, content: string | Uint8Array): Promise<void> {
  const dir = path.dirname(target);
  const temp = path.join(dir, `.${path.basename(target)}.${randomBytes(6).toString("hex")}.tmp`);
  try {
    await mkdir(dir, { recursive: true });
    const handle = await open(temp, "wx");
    try {
      await handle.writeFile(content);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, target);
  } catch (cause) {
    await rm(temp, { force: true }).catch(() => {});
    const reason = (cause as NodeJS.ErrnoException).code ?? (cause as Error).message;
    throw new HarnessError(
      "E_WRITE",
      `${target}: write failed (${reason}); the previous file is untouched`,
      {
        hint:
          reason === "ENOSPC"
            ? "free disk space and run again"
            : "check permissions and free space",
        exitCode: EXIT.toolFailed,
        cause,
      },
    );
  }
}
