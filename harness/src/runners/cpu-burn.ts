import { spawn } from "node:child_process";
import os from "node:os";
import { isAlive } from "./child-watchdog.ts";

/** Busy loops started on purpose (a shared runner's neighbours), killed by `stop`. */
export interface CpuBurn {
  pids: number[];
  /** Whether every loop is still running. */
  alive(): boolean;
  stop(): void;
}

/**
 * One busy loop per core, each bounded to `seconds` by its own clock (it ends even if nobody
 * stops it). Started through a shell that exits at once, so the loops are not in this process's
 * tree and the foreign-load sampler counts them as someone else's work.
 */
export async function burnCores(seconds: number): Promise<CpuBurn> {
  const loop = `const end = Date.now() + ${Math.round(seconds * 1000)}; let x = 0; while (Date.now() < end) x++;`;
  const pids = await Promise.all(
    os.cpus().map(
      () =>
        new Promise<number>((resolve, reject) => {
          const sh = spawn(
            "sh",
            ["-c", `"${process.execPath}" -e '${loop}' >/dev/null 2>&1 & echo $!`],
            { stdio: ["ignore", "pipe", "ignore"] },
          );
          let out = "";
          sh.stdout.on("data", (c: Buffer) => (out += c.toString()));
          sh.once("error", reject);
          sh.once("close", () => resolve(Number(out.trim())));
        }),
    ),
  );
  return {
    pids,
    alive: () => pids.every(isAlive),
    stop() {
      for (const pid of pids) if (pid > 0 && isAlive(pid)) process.kill(pid, "SIGKILL");
    },
  };
}
