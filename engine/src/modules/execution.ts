import { currentVu, engineState } from "../state.ts";

let testOptions: Readonly<Record<string, unknown>> = Object.freeze({});

/**
 * The script's exported options, for `exec.test.options` (set when a VU's init context has run;
 * k6 fills unset keys with defaults or null, here they stay unset).
 */
export function setTestOptions(options: unknown): void {
  const copy = JSON.parse(JSON.stringify(options ?? {})) as Record<string, unknown>;
  testOptions = Object.freeze(copy);
}

/** `k6/execution`: the values a script reads about its own position in the test. */
const execution = {
  get vu() {
    const vu = currentVu();
    // The iteration's own tag map: tags set here go on every later sample of the iteration.
    const tags = vu?.tags ?? {};
    return {
      idInInstance: vu?.vu ?? 0,
      idInTest: vu?.vu ?? 0,
      iterationInInstance: vu?.iter ?? 0,
      iterationInScenario: vu?.iterationInScenario ?? 0,
      tags,
      metrics: { tags, metadata: {} },
    };
  },
  get scenario() {
    const vu = currentVu();
    return {
      name: vu?.scenario ?? "",
      executor: vu?.executor ?? "",
      startTime: engineState().startedAt,
      iterationInInstance: vu?.iterationInScenario ?? 0,
      iterationInTest: vu?.iterationInScenario ?? 0,
    };
  },
  get instance() {
    // Counted on this thread; gauges are sampled once a second, as k6's are.
    const metrics = engineState().registry.metrics;
    return {
      currentTestRunDuration: Date.now() - engineState().startedAt,
      iterationsCompleted: metrics.get("iterations")?.sink.sum ?? 0,
      vusActive: metrics.get("vus")?.sink.last ?? 0,
      vusInitialized: metrics.get("vus_max")?.sink.last ?? 0,
    };
  },
  test: {
    abort(reason?: string): never {
      engineState().abort(reason ?? "test aborted by exec.test.abort()", 108);
      throw new Error(reason ?? "test aborted");
    },
    fail(reason?: string): void {
      engineState().abort(reason ?? "test failed by exec.test.fail()", 110);
    },
    get options() {
      return testOptions;
    },
  },
};

export default execution;
