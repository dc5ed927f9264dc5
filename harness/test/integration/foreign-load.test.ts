import { execFileSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runLoadPipeline } from "../../src/pipeline/load.ts";
import { renderMarkdown } from "../../src/render/markdown.ts";
import { renderTerminal } from "../../src/render/terminal.ts";
import { buildRunReport } from "../../src/report/index.ts";
import type { RunResult } from "../../src/schema/index.ts";

const root = path.resolve(import.meta.dirname, "../../..");
/** Each burner stops by itself after this long, whatever happens to the test. */
const BURN_SECONDS = 25;

/**
 * A busy loop in a process that is not ours: `sh` starts it in the background and exits, so it
 * is re-parented away from this process tree, as another engineer's job would be.
 */
function startBurner(): number {
  const code = `const end = Date.now() + ${BURN_SECONDS * 1000}; while (Date.now() < end) {}`;
  const pid = execFileSync(
    "sh",
    ["-c", `"${process.execPath}" -e '${code}' >/dev/null 2>&1 & echo $!`],
    { encoding: "utf8" },
  );
  return Number(pid.trim());
}

let server: Server;
let scratch: string;
let run: RunResult;
const burners: number[] = [];
const log: string[] = [];

beforeAll(async () => {
  server = createServer((_req, res) => res.end("ok"));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  scratch = await mkdtemp(path.join(os.tmpdir(), "perfgate-foreign-"));
  // Both cores, on purpose: the stage below must notice and say so.
  for (let i = 0; i < Math.max(2, os.availableParallelism()); i++) burners.push(startBurner());
  try {
    const result = await runLoadPipeline({
      root,
      profileName: "quick",
      profile: {
        scenarios: [],
        vars: {},
        bundle: false,
        endpoints: [{ id: "tiny", path: "/", connections: 2, durationSeconds: 3 }],
      },
      perfDir: scratch,
      baseUrl: `http://127.0.0.1:${port}`,
      signal: new AbortController().signal,
      log: (line) => log.push(line),
    });
    run = result.run;
  } finally {
    for (const pid of burners) {
      try {
        process.kill(pid);
      } catch {
        // Already gone: it stops by itself after BURN_SECONDS.
      }
    }
  }
}, 60_000);

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe("a load stage measured while other processes burn both cores", () => {
  it("records the foreign load on the suite and a foreign-load warning in the run", () => {
    const suite = run.suites.find((s) => s.id === "tiny");
    expect(suite?.status, log.join("\n")).toBe("ok");
    expect(suite?.meta?.foreignCores).toBeGreaterThan(0.5);
    const warning = run.warnings.find((w) => w.code === "foreign-load");
    expect(warning?.suite).toBe("tiny");
    expect(warning?.message).toMatch(/measured under foreign load: other processes used \d/);
  });

  it("shows the warning in the rendered report and the terminal summary", () => {
    const model = buildRunReport(run);
    expect(renderMarkdown(model)).toContain(
      "- ⚠ `foreign-load` (tiny): measured under foreign load",
    );
    const terminal = renderTerminal(model, { color: false });
    expect(terminal).toContain("⚠ foreign-load (tiny)");
    expect(terminal).toContain("⚠ measured under foreign load: tiny (see warnings)");
    expect(terminal).toMatch(/PASS with [1-9]\d* warnings?/);
  });
});
