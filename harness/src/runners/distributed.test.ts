import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import os from "node:os";
import path from "node:path";
import {
  type PlayedRunner,
  patchStatus,
  pollStatus,
  RESUME_BODY,
  startRunners,
} from "@perfgate/engine";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { captureIo } from "../../test/capture-io.ts";
import { distributedCommand } from "../cli/commands/distributed.ts";
import { collectRunnerSummaries } from "./distributed-collect.ts";

/**
 * `perfgate distributed` without a cluster: the runners are the engine's, started with the
 * k6-operator's exact arguments on loopback (the operator played locally), writing to a folder
 * that stands for the shared volume; the command collects, merges and judges from there.
 */
const FIXTURES = path.join(import.meta.dirname, "..", "..", "test", "fixtures", "k6-operator");

let dir: string;
let server: Server;
let base: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "perfgate-distributed-"));
  server = createServer((_req, res) => res.end("ok"));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

function cli(env: NodeJS.ProcessEnv = process.env) {
  const io = captureIo(dir, env);
  return { io, out: io.stdout, err: io.stderr };
}

describe("perfgate distributed", () => {
  it("judges thresholds on the merged data: each runner's share fails count>150, the whole passes", async () => {
    const script = path.join(dir, "shared.ts");
    await writeFile(
      script,
      `import http from "k6/http";
export const options = {
  scenarios: { s: { executor: "shared-iterations", vus: 2, iterations: 200 } },
  thresholds: { iterations: ["count>150"], http_req_duration: ["p(95)<60000"] },
};
export default function (): void { http.get(\`\${__ENV.BASE}/x\`); }
`,
    );
    const volume = path.join(dir, "volume");
    const runners = await startRunners({
      parallelism: 2,
      script,
      testrunName: "tr-merged",
      env: { ...process.env, BASE: base, PERFGATE_SUMMARY_OUT: volume },
    });
    for (const r of runners) await pollStatus(r.port, (s) => s.status === 4, 60_000);
    for (const r of runners) await patchStatus(r.port, RESUME_BODY);
    // Each runner ran 100 iterations: its own threshold count>150 failed (k6 exits 99).
    expect(await Promise.all(runners.map((r: PlayedRunner) => r.engine.exit))).toEqual([99, 99]);

    const { io, out, err } = cli();
    const code = await distributedCommand.run(
      [
        script,
        "--parallelism",
        "2",
        "--collect-only",
        "--results-dir",
        volume,
        "--name",
        "tr-merged",
      ],
      io,
    );
    expect(code, err()).toBe(0);
    const file = /wrote (\S+run\.json)/.exec(err())?.[1] as string;
    const run = JSON.parse(await readFile(path.join(dir, file), "utf8"));
    const verdicts = run.verdicts.map(
      (v: { metric: string; rule: string; status: string; actual?: number }) => [
        v.metric,
        v.rule,
        v.status,
        v.actual,
      ],
    );
    expect(verdicts).toContainEqual(["iterations", "count>150", "pass", 200]);
    expect(run.suites[0].meta).toMatchObject({ parallelism: 2, runners: 2, testrun: "tr-merged" });
    const metric = (id: string) => run.suites[0].metrics.find((m: { id: string }) => m.id === id);
    expect(metric("http_reqs")?.value).toBe(200);
    expect(metric("http_req_duration")?.summary.n).toBe(200);
    expect(out()).toContain("shared");
  });

  it("drives kubectl as the cluster flow needs: apply, wait, runner logs, delete", async () => {
    // A stand-in for kubectl + API server (no cluster here): it records its arguments and answers
    // with the logs of real engine runners started with the operator's arguments.
    const fake = path.join(dir, "fake-kubectl");
    await mkdir(fake, { recursive: true });
    const bin = path.join(fake, "kubectl");
    await writeFile(
      bin,
      `#!/bin/sh
echo "$@" >> "${fake}/calls.txt"
case "$1 $2" in
  "get crd") echo "customresourcedefinition.apiextensions.k8s.io/testruns.k6.io" ;;
  "get testrun") printf finished ;;
  "get pods") printf "tr-k-1-a tr-k-2-b" ;;
  "apply -f") cat > "${fake}/applied.yaml" ;;
  "delete testrun"|"delete configmap") ;;
  *) case "$1" in logs) cat "${fake}/$4.log" ;; *) exit 1 ;; esac ;;
esac
`,
      { mode: 0o755 },
    );
    const script = path.join(dir, "cluster.js");
    await writeFile(
      script,
      `import http from "k6/http";
export const options = { scenarios: { s: { executor: "shared-iterations", vus: 2, iterations: 50 } } };
export default function () { http.get(\`\${__ENV.BASE}/c\`); }
`,
    );
    const runners = await startRunners({
      parallelism: 2,
      script,
      testrunName: "tr-k",
      env: { ...process.env, BASE: base, PERFGATE_SUMMARY_OUT: "stdout" },
    });
    for (const r of runners) await pollStatus(r.port, (s) => s.status === 4, 60_000);
    for (const r of runners) await patchStatus(r.port, RESUME_BODY);
    for (const [i, r] of runners.entries()) {
      expect(await r.engine.exit).toBe(0);
      await writeFile(path.join(fake, `tr-k-${i + 1}-${"ab"[i]}.log`), r.engine.stdout());
    }
    const { io, err } = cli({ ...process.env, KUBECTL: bin });
    const code = await distributedCommand.run(
      [script, "--parallelism", "2", "--name", "tr-k", "--namespace", "load"],
      io,
    );
    expect(code, err()).toBe(0);
    const calls = (await readFile(path.join(fake, "calls.txt"), "utf8")).trim().split("\n");
    // The runners' logs are read in parallel: their order between themselves is free.
    const logsSorted = [...calls.slice(0, 4), ...calls.slice(4, 6).sort(), ...calls.slice(6)];
    expect(logsSorted).toEqual([
      "get crd testruns.k6.io -o name --request-timeout=10s",
      "apply -f -",
      "get testrun tr-k -n load -o jsonpath={.status.stage}",
      "get pods -n load -l k6_cr=tr-k,runner=true -o jsonpath={.items[*].metadata.name}",
      "logs -n load tr-k-1-a -c k6 --tail=20",
      "logs -n load tr-k-2-b -c k6 --tail=20",
      "delete testrun tr-k -n load --ignore-not-found",
      "delete configmap tr-k-script -n load --ignore-not-found",
    ]);
    const applied = await readFile(path.join(fake, "applied.yaml"), "utf8");
    expect(applied).toContain("kind: TestRun");
    expect(applied).toContain("parallelism: 2");
    const file = /wrote (\S+run\.json)/.exec(err())?.[1] as string;
    const run = JSON.parse(await readFile(path.join(dir, file), "utf8"));
    expect(run.suites[0].metrics.find((m: { id: string }) => m.id === "http_reqs")?.value).toBe(50);
  });

  it("says a stock k6 runner left no mergeable summary, naming the pod", () => {
    return readFile(path.join(FIXTURES, "stock-k6-runner.log"), "utf8").then((text) => {
      expect(() => collectRunnerSummaries([{ source: "pod/tr-1-abc", text }], 1)).toThrow(
        /no mergeable summary from pod\/tr-1-abc/,
      );
    });
  });

  it("without a cluster it renders, then says no cluster answers", async () => {
    const script = path.join(dir, "tiny.js");
    await writeFile(
      script,
      `import http from "k6/http";\nexport const options = { vus: 4, iterations: 8 };\nexport default function () { http.get(__ENV.BASE); }\n`,
    );
    // A kubeconfig whose API server is a closed loopback port: no cluster, deterministically.
    const kubeconfig = path.join(dir, "kubeconfig");
    await writeFile(
      kubeconfig,
      `apiVersion: v1
kind: Config
clusters: [{name: none, cluster: {server: "https://127.0.0.1:9"}}]
users: [{name: none, user: {}}]
contexts: [{name: none, context: {cluster: none, user: none}}]
current-context: none
`,
    );
    const noCluster = cli({ ...process.env, KUBECONFIG: kubeconfig });
    await expect(
      distributedCommand.run(
        [script, "--parallelism", "2", "-e", "BASE=http://app:3000"],
        noCluster.io,
      ),
    ).rejects.toMatchObject({ code: "E_NO_CLUSTER" });
    expect(noCluster.err()).toMatch(/rendered TestRun .* \(parallelism 2, 10m30s planned\)/);

    const noKubectl = cli({ ...process.env, KUBECTL: path.join(dir, "no-kubectl") });
    await expect(
      distributedCommand.run([script, "--parallelism", "2"], noKubectl.io),
    ).rejects.toMatchObject({
      code: "E_NO_KUBECTL",
    });
    await expect(
      distributedCommand.run([script, "--parallelism", "2", "--results", "volume:r"], cli().io),
    ).rejects.toThrow(/needs --results-dir/);
    // More runners than VUs: refused before anything is applied, as the operator would.
    await expect(
      distributedCommand.run([script, "--parallelism", "5"], cli().io),
    ).rejects.toMatchObject({
      code: "E_DISTRIBUTED_PARALLELISM",
    });
  });
});
