import { execFile, spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * deploy/k6-operator: the `k6` entry point maps k6's commands to the engine (checked here
 * always), and the image builds from the Dockerfile wherever a container builder runs.
 */
const ROOT = path.join(import.meta.dirname, "..", "..");
const DEPLOY = path.join(ROOT, "deploy", "k6-operator");
const FIXTURES = path.join(import.meta.dirname, "fixtures", "k6-v0.48.0-operator");
const run = promisify(execFile);

/** A builder that can build here: docker with a daemon answering, or podman. */
function containerBuilder(): { bin: string } | { missing: string } {
  const docker = spawnSync("docker", ["info", "--format", "{{.ServerVersion}}"], {
    encoding: "utf8",
    timeout: 15_000,
  });
  if (docker.status === 0 && docker.stdout.trim()) return { bin: "docker" };
  const podman = spawnSync("podman", ["version"], { encoding: "utf8", timeout: 15_000 });
  if (podman.status === 0) return { bin: "podman" };
  const why = docker.error
    ? "docker is not installed"
    : `docker is only a client here (${(docker.stderr || docker.stdout).trim().split("\n").pop()})`;
  return { missing: `${why}; podman is not installed` };
}

const builder = containerBuilder();
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "perfgate-image-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("the k6 entry point", () => {
  it("answers the initializer's archive and inspect as k6 v0.48.0 does", async () => {
    const script = path.join(dir, "script.js");
    await writeFile(script, await readFile(path.join(FIXTURES, "script.js")));
    const env = { ...process.env, PERFGATE_ENGINE_DIR: path.join(ROOT, "engine") };
    const k6 = path.join(DEPLOY, "k6");
    const tar = path.join(dir, "script.js.archived.tar");
    await run(k6, ["archive", script, "-O", tar], { env });
    const { stdout } = await run(k6, ["inspect", "--execution-requirements", tar], { env });
    expect(JSON.parse(stdout)).toEqual(
      JSON.parse(
        await readFile(path.join(FIXTURES, "inspect-execution-requirements.json"), "utf8"),
      ),
    );
    expect((await run(k6, ["version"], { env })).stdout).toMatch(/^k6 v0\.48\.0/);
  });
});

describe("the runner image", () => {
  const title =
    "missing" in builder
      ? `builds from deploy/k6-operator/Dockerfile (skipped: no container builder — ${builder.missing})`
      : "builds from deploy/k6-operator/Dockerfile and runs k6 inspect inside";
  it.skipIf("missing" in builder)(title, { timeout: 900_000 }, async () => {
    const bin = (builder as { bin: string }).bin;
    const tag = "perfgate/k6-runner:test";
    await run(bin, ["build", "-f", path.join(DEPLOY, "Dockerfile"), "-t", tag, ROOT], {
      timeout: 840_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    const { stdout } = await run(bin, ["run", "--rm", "--entrypoint", "k6", tag, "version"]);
    expect(stdout).toMatch(/perfgate built-in engine/);
  });
});
