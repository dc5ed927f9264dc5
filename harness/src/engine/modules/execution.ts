import { currentVu, engineState } from "../state.ts";

/** `k6/execution`: the values a script reads about its own position in the test. */
const execution = {
  get vu() {
    const vu = currentVu();
    return {
      idInInstance: vu?.vu ?? 0,
      idInTest: vu?.vu ?? 0,
      iterationInInstance: vu?.iter ?? 0,
      iterationInScenario: vu?.iterationInScenario ?? 0,
      tags: vu?.tags ?? {},
    };
  },
  get scenario() {
    const vu = currentVu();
    return {
      name: vu?.scenario ?? "",
      startTime: engineState().startedAt,
      iterationInInstance: vu?.iterationInScenario ?? 0,
      iterationInTest: vu?.iterationInScenario ?? 0,
    };
  },
  get instance() {
    return { currentTestRunDuration: Date.now() - engineState().startedAt };
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
      return {};
    },
  },
};

export default execution;
