import http from "k6/http";

// Init code runs once per VU, in that VU.
const vuAtInit = __VU;

export const options = {
  scenarios: {
    per_vu: {
      executor: "per-vu-iterations",
      vus: 2,
      iterations: 3,
      env: { MY_VAR: "from-scenario" },
    },
  },
};

export default function () {
  http.get(
    `${__ENV.BASE_URL}/env?vu=${__VU}&iter=${__ITER}&var=${__ENV.MY_VAR}&cli=${__ENV.FROM_CLI}&init=${vuAtInit}`,
  );
}
