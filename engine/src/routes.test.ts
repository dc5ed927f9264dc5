import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Registry, type Tags } from "./metrics.ts";
import { routeTable, sampleTagValue } from "./routes.ts";
import { sampleTags, type VuContext, vuStorage } from "./state.ts";

const NAMES = ["http_reqs", "http_req_duration", "http_req_failed"] as const;
const vocabulary = fc.constantFrom("name", "status", "group", "scenario", "kind", "method");
const value = fc.constantFrom("a", "b", "200", "", "::g");
const tagMap = fc.dictionary(vocabulary, value, { maxKeys: 3 });

function context(tags: Tags, groupPath: string): VuContext {
  return {
    vu: 1,
    iter: 0,
    scenario: "a",
    iterationInScenario: 0,
    groupPath,
    tags,
    pendingSleepMs: 0,
  };
}

/** Every sink of a registry as `key -> [count, sum]`. */
function totals(registry: Registry): Record<string, [number, number]> {
  const out: Record<string, [number, number]> = {};
  for (const def of registry.metrics.values()) {
    out[def.name] = [def.sink.count, def.sink.sum];
    for (const sub of def.subMetrics) out[sub.key] = [sub.sink.count, sub.sink.sum];
  }
  return out;
}

describe("RouteTable", () => {
  it("aggregates exactly as Registry.add with the full tag set, sub-metrics added mid-run included", () => {
    const sample = fc.record({
      vuTags: tagMap,
      group: fc.constantFrom("", "::g"),
      user: fc.option(tagMap, { nil: undefined }),
      fixed: tagMap,
      value: fc.integer({ min: 0, max: 100 }),
      // A threshold parsed between samples adds a sub-metric; routes must be resolved again.
      addSub: fc.option(
        fc.tuple(fc.constantFrom(...NAMES), fc.dictionary(vocabulary, value, { maxKeys: 2 })),
        { nil: undefined },
      ),
    });
    fc.assert(
      fc.property(fc.array(sample, { maxLength: 30 }), (samples) => {
        const plain = new Registry();
        const routed = new Registry();
        const streamed: Tags[] = [];
        routed.onSample = (_def, _value, tags) => streamed.push(tags);
        const expectedStream: Tags[] = [];
        for (const s of samples) {
          if (s.addSub) {
            const [name, tags] = s.addSub;
            const entries = Object.entries(tags);
            const key = entries.length
              ? `${name}{${entries.map(([k, v]) => `${k}:${v}`).join(",")}}`
              : name;
            plain.subMetric(key);
            routed.subMetric(key);
          }
          vuStorage.run(context(s.vuTags, s.group), () => {
            const full = sampleTags({ ...(s.user ?? {}), ...s.fixed });
            const table = routeTable(routed, "test", NAMES);
            const route = table.route((key) => sampleTagValue(key, s.user, s.fixed));
            NAMES.forEach((name, i) => {
              plain.add(name, s.value, full);
              expectedStream.push(full);
              table.add(route, i, s.value, full);
            });
          });
        }
        expect(totals(routed)).toEqual(totals(plain));
        expect(streamed).toEqual(expectedStream);
      }),
      { numRuns: 200 },
    );
  });

  it("adds nothing once the registry is frozen", () => {
    const registry = new Registry();
    const table = routeTable(registry, "test", NAMES);
    const route = table.route(() => undefined);
    registry.frozen = true;
    table.add(route, 1, 5, undefined);
    expect(registry.metrics.get("http_req_duration")?.sink.count).toBe(0);
    expect(registry.metrics.get("http_req_duration")?.touched).toBe(false);
  });
});
