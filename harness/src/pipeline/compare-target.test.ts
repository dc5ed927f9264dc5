import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { PerfgateConfig } from "../schema/config.ts";
import { compareTarget } from "./compare-target.ts";

const project = mkdtempSync(path.join(tmpdir(), "perfgate-target-"));
const reference = mkdtempSync(path.join(tmpdir(), "perfgate-reference-"));
mkdirSync(path.join(reference, "app/server/src"), { recursive: true });
writeFileSync(path.join(reference, "app/server/src/main.ts"), "");
afterAll(() => {
  rmSync(project, { recursive: true, force: true });
  rmSync(reference, { recursive: true, force: true });
});

const start = { command: "node server.js", readyUrl: "http://127.0.0.1:{port}/", env: {} };
const config = (endpoints: unknown[] = []) =>
  ({
    target: { start },
    defaultProfile: "quick",
    profiles: { quick: { scenarios: [], endpoints } },
  }) as unknown as PerfgateConfig;

describe("what compare measures in a project of its own", () => {
  it("its start command and `/` when the profile has no endpoint passes", () => {
    expect(compareTarget(config(), project)).toEqual({
      start,
      endpoints: [{ id: "home", path: "/" }],
    });
  });

  it("its plain endpoint passes (not the ones with a paths module or app flags)", () => {
    const passes = [
      { id: "items", path: "/api/items" },
      { id: "mix", path: "/", pathsModule: "mix.ts" },
      { id: "nocache", path: "/", appEnv: { CACHE: "off" } },
    ];
    expect(compareTarget(config(passes), project)?.endpoints).toEqual([
      { id: "items", path: "/api/items" },
    ]);
  });

  it("nothing in perfgate's own repository: the reference app keeps its tuned suite", () => {
    expect(compareTarget(config(), reference)).toBeUndefined();
  });
});
