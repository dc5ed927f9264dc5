import { describe, expect, it } from "vitest";
import { requestSampleOf } from "./fault-timeline.ts";

const point = (metric: string, value: number, tags: Record<string, string>) =>
  JSON.stringify({
    metric,
    type: "Point",
    data: { time: "2026-11-25T08:00:01.250Z", value, tags },
  });

describe("requestSampleOf", () => {
  it("reads an http_req_duration point: finish time, duration, status, outcome, name", () => {
    expect(
      requestSampleOf(
        point("http_req_duration", 12.5, {
          status: "503",
          expected_response: "false",
          name: "GET /api/products/:id/thumbnail",
          url: "http://127.0.0.1:9/api/products/7/thumbnail?size=32",
        }),
      ),
    ).toEqual({
      timeMs: Date.parse("2026-11-25T08:00:01.250Z"),
      durationMs: 12.5,
      status: 503,
      ok: false,
      name: "GET /api/products/:id/thumbnail",
      url: "http://127.0.0.1:9/api/products/7/thumbnail?size=32",
    });
  });

  it("counts a request without a response as status 0, failed", () => {
    const sample = requestSampleOf(
      point("http_req_duration", 0.4, {
        status: "0",
        expected_response: "false",
        error_code: "1212",
      }),
    );
    expect(sample).toMatchObject({ status: 0, ok: false });
    expect(sample?.name).toBeUndefined();
  });

  it("falls back to the status class when expected_response is absent", () => {
    expect(requestSampleOf(point("http_req_duration", 1, { status: "204" }))?.ok).toBe(true);
    expect(requestSampleOf(point("http_req_duration", 1, { status: "500" }))?.ok).toBe(false);
  });

  it("skips other metrics, metric declarations and torn lines", () => {
    expect(requestSampleOf(point("http_req_waiting", 1, { status: "200" }))).toBeUndefined();
    expect(
      requestSampleOf(JSON.stringify({ type: "Metric", metric: "http_req_duration", data: {} })),
    ).toBeUndefined();
    expect(requestSampleOf('{"metric":"http_req_duration","type":"Po')).toBeUndefined();
    expect(requestSampleOf("")).toBeUndefined();
  });
});
