import { mkdir, open, readFile, rm } from "node:fs/promises";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { EXIT, HarnessError } from "../schema/index.ts";

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Serialize writers of `reports/` across processes with an O_EXCL lock file holding the owner's
 * pid. A lock left by a dead process is taken over; a live one is waited for, up to `timeoutMs`.
 */
export async function withReportsLock<T>(
  reportsDir: string,
  work: () => Promise<T>,
  timeoutMs = 120_000,
): Promise<T> {
  await mkdir(reportsDir, { recursive: true });
  const lockFile = path.join(reportsDir, ".lock");
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const handle = await open(lockFile, "wx");
      await handle.writeFile(String(process.pid));
      await handle.close();
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const owner = Number((await readFile(lockFile, "utf8").catch(() => "")).trim());
      if (Number.isInteger(owner) && owner > 0 && !isAlive(owner)) {
        await rm(lockFile, { force: true });
        continue;
      }
      if (Date.now() > deadline) {
        throw new HarnessError("E_LOCKED", `${lockFile} is held by process ${owner || "?"}`, {
          hint: "another perfgate run is writing reports/; wait for it, or remove the lock if that process is gone",
          exitCode: EXIT.toolFailed,
        });
      }
      await sleep(100);
    }
  }
  try {
    return await work();
  } finally {
    await rm(lockFile, { force: true });
  }
}
