import exec from "k6/execution";
import http from "k6/http";

export const options = {
  scenarios: {
    exec_info: { executor: "shared-iterations", vus: 2, iterations: 4, tags: { team: "blue" } },
  },
};

export default function () {
  const q = [
    `scenario=${exec.scenario.name}`,
    `executor=${exec.scenario.executor}`,
    `iterationInTest=${exec.scenario.iterationInTest}`,
    `vu=${exec.vu.idInTest}`,
    `iterationInInstance=${exec.vu.iterationInInstance}`,
    `iter=${__ITER}`,
    `team=${exec.vu.metrics.tags.team}`,
  ].join("&");
  http.get(`${__ENV.BASE_URL}/exec?${q}`);
  if (exec.scenario.iterationInTest === 3) exec.test.abort("enough");
}
