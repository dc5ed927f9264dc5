import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createRedactor, defaultRedactor, REDACTED, redactorFor } from "./redact.ts";

const { text } = defaultRedactor;

describe("redaction of text", () => {
  it.each([
    [
      "http://127.0.0.1:3000/api?token=abc123&limit=2",
      `http://127.0.0.1:3000/api?token=${REDACTED}&limit=2`,
    ],
    ["/a?auth_token=T1&private_token=T2", `/a?auth_token=${REDACTED}&private_token=${REDACTED}`],
    ["/a?access-token=T3&Access_Token=T4", `/a?access-token=${REDACTED}&Access_Token=${REDACTED}`],
    [
      "/a?API_KEY=K&apikey=K2&api-key=K3",
      `/a?API_KEY=${REDACTED}&apikey=${REDACTED}&api-key=${REDACTED}`,
    ],
    ["/a?csrfToken=C&db_password=P", `/a?csrfToken=${REDACTED}&db_password=${REDACTED}`],
    ["/cb?code=4/0AX4XfW&state=1", `/cb?code=${REDACTED}&state=1`],
    ["http://user:hunter2@127.0.0.1/", `http://${REDACTED}@127.0.0.1/`],
    ["Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.x.y", `Authorization: ${REDACTED}`],
    ["cookie: sid=1; theme=dark", `cookie: ${REDACTED}`],
    ['{"Set-Cookie":"sid=1; HttpOnly"}', `{"Set-Cookie":"${REDACTED}"}`],
    ["sent Bearer abcdef123456 to the app", `sent Bearer ${REDACTED} to the app`],
    ["password=hunter2 user=ann", `password=${REDACTED} user=ann`],
  ])("redacts %s", (input, expected) => {
    expect(text(input)).toBe(expected);
  });

  it("leaves ordinary text alone, short words outside a URL included", () => {
    for (const plain of [
      "http_req_duration p(95)<500 passed (actual 1.1) /api/products?limit=20",
      "engine exited, exit code: 3; key: p95",
      'level=warning msg="Request Failed" error_code=1212',
      '{"metrics":{"http_reqs{name:/api/items}":{"count":3}}}',
    ])
      expect(text(plain)).toBe(plain);
  });

  it("is idempotent", () => {
    const once = text("GET http://u:p@h/x?token=a&b=1 Authorization: Basic dXNlcjpwYXNz");
    expect(text(once)).toBe(once);
  });

  it("never lets a token value through, whatever the token or the name's spelling", () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[A-Za-z0-9._~]{8,40}$/),
        fc.constantFrom(
          "token",
          "AUTH-TOKEN",
          "private_token",
          "access-token",
          "Api_Key",
          "apikey",
          "password",
          "secret",
          "session",
        ),
        (token, name) => !text(`http://127.0.0.1/x?a=1&${name}=${token}#f`).includes(token),
      ),
    );
  });
});

describe("names from the config", () => {
  it("redacts extra names in every spelling, and only in the redactor that has them", () => {
    const custom = createRedactor(["X-Tenant-Pin"]);
    expect(custom.text("/a?x_tenant_pin=99&b=1")).toBe(`/a?x_tenant_pin=${REDACTED}&b=1`);
    expect(custom.text("X-Tenant-Pin: 1234")).toBe(`X-Tenant-Pin: ${REDACTED}`);
    expect(text("/a?x_tenant_pin=99")).toBe("/a?x_tenant_pin=99");
    expect(redactorFor(["X-Tenant-Pin"])).toBe(redactorFor(["X-Tenant-Pin"]));
  });
});

describe("redaction of values", () => {
  it("redacts keys and strings, replaces values under sensitive keys, never mutates", () => {
    const input = {
      headers: { Authorization: "Basic dXNlcjpwYXNz", accept: "json", Cookie: "a=b" },
      "http_req_duration{url:http://127.0.0.1/x?token=k1}": { count: 1 },
      urls: ["/a?token=x1y2z3"],
      token: 5,
    };
    expect(defaultRedactor.deep(input)).toEqual({
      headers: { Authorization: REDACTED, accept: "json", Cookie: REDACTED },
      [`http_req_duration{url:http://127.0.0.1/x?token=${REDACTED}}`]: { count: 1 },
      urls: [`/a?token=${REDACTED}`],
      token: 5,
    });
    expect(input.headers.Authorization).toBe("Basic dXNlcjpwYXNz");
  });
});
