import { describe, expect, it } from "vitest";
import { Registry } from "./metrics.ts";
import {
  EXECUTION_STATUS,
  metricsDocument,
  parseAddress,
  RunControl,
  startRestApi,
  statusDocument,
} from "./rest-api.ts";

describe("parseAddress", () => {
  it("reads k6's --address forms and rejects the rest", () => {
    expect(parseAddress("0.0.0.0:6565")).toEqual({ host: "0.0.0.0", port: 6565 });
    expect(parseAddress("[::1]:0")).toEqual({ host: "::1", port: 0 });
    expect(parseAddress(":6565")).toEqual({ host: "0.0.0.0", port: 6565 });
    expect(() => parseAddress("6565")).toThrow(/expected host:port/);
    expect(() => parseAddress("localhost:http")).toThrow(/expected host:port/);
  });
});

describe("RunControl", () => {
  it("waits while paused; the resume or a stop releases it", async () => {
    const control = new RunControl({ paused: true });
    let released = false;
    const waiting = control.waitForStart().then(() => {
      released = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(control.status).toBe(EXECUTION_STATUS.pausedBeforeRun);
    expect(released).toBe(false);
    control.resume();
    await waiting;
    expect(released).toBe(true);

    const stopped = new RunControl({ paused: true });
    const onStop: string[] = [];
    stopped.onStop(() => onStop.push("stop"));
    const wait = stopped.waitForStart();
    stopped.stop();
    stopped.stop();
    await wait;
    expect(onStop).toEqual(["stop"]);
    expect(statusDocument(stopped).data.attributes.stopped).toBe(true);
  });

  it("lists only metrics that saw samples, each in k6's sample shape", () => {
    const control = new RunControl({ paused: false });
    expect(metricsDocument(control)).toEqual({ data: [] });
    const registry = new Registry();
    control.registry = registry;
    control.trendStats = ["avg", "p(95)"];
    control.startedAtMs = 0;
    registry.add("iterations", 1, {});
    registry.add("iterations", 1, {});
    registry.add("http_req_failed", 1, {});
    registry.add("http_req_failed", 0, {});
    registry.add("iteration_duration", 4, {});
    const byId = Object.fromEntries(
      metricsDocument(control, 2000).data.map((m) => [m.id, m.attributes]),
    );
    expect(Object.keys(byId).sort()).toEqual([
      "http_req_failed",
      "iteration_duration",
      "iterations",
    ]);
    expect(byId.iterations).toEqual({
      type: "counter",
      contains: "default",
      tainted: null,
      sample: { count: 2, rate: 1 },
    });
    expect(byId.http_req_failed?.sample).toEqual({ rate: 0.5 });
    expect(byId.iteration_duration?.sample).toEqual({ avg: 4, "p(95)": 4 });
    expect(byId.iteration_duration?.contains).toBe("time");
  });
});

describe("startRestApi", () => {
  it("answers status, refuses bad patches and unknown paths with k6's error document", async () => {
    const control = new RunControl({ paused: true });
    const api = await startRestApi("127.0.0.1:0", control);
    const base = `http://127.0.0.1:${api.port}`;
    try {
      const status = await (await fetch(`${base}/v1/status`)).json();
      expect(status).toEqual(statusDocument(control));
      const bad = await fetch(`${base}/v1/status`, { method: "PATCH", body: "{not json" });
      expect(bad.status).toBe(400);
      expect((await bad.json()).errors[0].detail).toMatch(/not JSON/);
      const missing = await fetch(`${base}/v1/groups`);
      expect(missing.status).toBe(404);
      const resumed = await fetch(`${base}/v1/status`, {
        method: "PATCH",
        body: JSON.stringify({ data: { attributes: { paused: false } } }),
      });
      expect((await resumed.json()).data.attributes.paused).toBe(false);
      expect(control.paused).toBe(false);
    } finally {
      await api.close();
    }
  });
});
