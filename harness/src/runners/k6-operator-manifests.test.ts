import { readFileSync } from "node:fs";
import path from "node:path";
import { Ajv } from "ajv";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { expectGolden } from "../../test/golden.ts";
import {
  type DistributedPlan,
  manifestsYaml,
  renderManifests,
  testRunName,
} from "./k6-operator-manifests.ts";

const CRD = path.join(
  import.meta.dirname,
  "..",
  "..",
  "test",
  "fixtures",
  "k6-operator",
  "k6.io_testruns.yaml",
);

type Schema = Record<string, unknown>;

/**
 * The CRD's schema as the API server applies it, unknown fields included: Kubernetes silently
 * prunes a field its schema does not list, so a misspelt field would be lost on apply. Closing
 * every object that lists its properties makes such a field a validation error here.
 */
function closed(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(closed);
  if (typeof schema !== "object" || schema === null) return schema;
  const out: Schema = {};
  for (const [key, value] of Object.entries(schema)) out[key] = closed(value);
  if (
    out.properties &&
    out.additionalProperties === undefined &&
    out["x-kubernetes-preserve-unknown-fields"] !== true
  )
    out.additionalProperties = false;
  return out;
}

function testRunValidator() {
  const crd = parseAllDocuments(readFileSync(CRD, "utf8"))[0]?.toJS() as {
    spec: { versions: { name: string; schema: { openAPIV3Schema: Schema } }[] };
  };
  const version = crd.spec.versions.find((v) => v.name === "v1alpha1");
  const schema = closed(version?.schema.openAPIV3Schema) as Schema;
  // metadata is checked by the API server itself, not by the CRD schema.
  (schema.properties as Schema).metadata = { type: "object" };
  const ajv = new Ajv({ strict: false, allErrors: true });
  return ajv.compile(schema);
}

const plan: DistributedPlan = {
  name: "perfgate-browse-20261207t1620",
  namespace: "load",
  scenario: "browse",
  scriptFile: "browse.js",
  scriptSource:
    'import http from "k6/http";\nexport default function () { http.get(__ENV.BASE_URL); }\n',
  parallelism: 4,
  runnerImage: "registry.example/perfgate/k6-runner:0.1.0",
  env: { BASE_URL: "http://app.load.svc:3000" },
  results: { kind: "log" },
};

describe("renderManifests", () => {
  const validate = testRunValidator();

  it("renders a TestRun the operator's CRD schema accepts, and its ConfigMap", () => {
    const { configMap, testRun } = renderManifests(plan);
    expect(validate(testRun), JSON.stringify(validate.errors)).toBe(true);
    expect(configMap).toMatchObject({
      kind: "ConfigMap",
      metadata: { name: "perfgate-browse-20261207t1620-script", namespace: "load" },
      data: { "browse.js": plan.scriptSource },
    });
    expectGolden("k6-operator/testrun-log.yaml", manifestsYaml({ configMap, testRun }));
  });

  it("mounts a shared volume when results go there, still valid", () => {
    const { testRun } = renderManifests({
      ...plan,
      results: { kind: "volume", claim: "perfgate-results", mountPath: "/results" },
      serviceAccountName: "perfgate-runner",
      initializerImage: "grafana/k6:0.48.0",
    });
    expect(validate(testRun), JSON.stringify(validate.errors)).toBe(true);
    expectGolden(
      "k6-operator/testrun-volume.yaml",
      manifestsYaml(
        renderManifests({
          ...plan,
          results: { kind: "volume", claim: "perfgate-results", mountPath: "/results" },
          serviceAccountName: "perfgate-runner",
          initializerImage: "grafana/k6:0.48.0",
        }),
      ),
    );
  });

  it("the schema check is real: a misspelt field fails it", () => {
    const { testRun } = renderManifests(plan) as { testRun: { spec: Schema } };
    const bad = { ...testRun, spec: { ...testRun.spec, paralelism: 2 } };
    expect(validate(bad)).toBe(false);
    const wrongType = { ...testRun, spec: { ...testRun.spec, parallelism: "4" } };
    expect(validate(wrongType)).toBe(false);
  });

  it("refuses a plan Kubernetes would refuse, naming each problem", () => {
    expect(() =>
      renderManifests({ ...plan, name: "Bad_Name", parallelism: 0, env: { "1X": "y" } }),
    ).toThrow(/name "Bad_Name".*parallelism 0.*env 1X/);
    expect(() => renderManifests({ ...plan, scriptSource: "x".repeat(1_100_000) })).toThrow(
      /over a ConfigMap's 1 MiB/,
    );
  });

  it("passes --allow-host to the runners as the TestRun's arguments, host names only", () => {
    const { testRun } = renderManifests({ ...plan, allowHosts: ["app.load.svc", "10.0.0.7"] });
    expect(validate(testRun), JSON.stringify(validate.errors)).toBe(true);
    expect((testRun as { spec: { arguments?: string } }).spec.arguments).toBe(
      "--allow-host app.load.svc --allow-host 10.0.0.7",
    );
    expect(() => renderManifests({ ...plan, allowHosts: ["x; rm -rf /"] })).toThrow(
      /--allow-host x; rm -rf \/: not a host name/,
    );
  });

  it("names TestRuns as DNS labels with room for the runners' suffixes", () => {
    const name = testRunName("Checkout_Flow.v2", "20261207T162000Z-abc1234");
    expect(name).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
    expect(name.length).toBeLessThanOrEqual(55);
    expect(name.startsWith("perfgate-checkout-flow-v2")).toBe(true);
    expect(testRunName("x".repeat(100), "r1").length).toBeLessThanOrEqual(55);
  });
});
