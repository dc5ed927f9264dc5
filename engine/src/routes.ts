import type { MetricDef, Registry, Sink, Tags } from "./metrics.ts";
import { currentVu } from "./state.ts";

/** A tag's value in the tag set a sample would carry; undefined when the set has no such tag. */
export type TagLookup = (key: string) => unknown;

/** The sinks of each metric of a RouteTable, in its order, for one combination of tag values. */
export type Route = readonly (readonly Sink[])[];

/**
 * One tag of `sampleTags({ ...extra, ...over })` (state.ts) without building the set: the same
 * precedence, from the running VU's tags up to `over`.
 */
export function sampleTagValue(key: string, extra?: Tags, over?: Tags): unknown {
  if (over !== undefined && Object.hasOwn(over, key)) return over[key];
  if (extra !== undefined && Object.hasOwn(extra, key)) return extra[key];
  const vu = currentVu();
  if (key === "group") return vu ? vu.groupPath : "";
  if (vu && key === "scenario") return vu.scenario;
  return vu && Object.hasOwn(vu.tags, key) ? vu.tags[key] : undefined;
}

const ABSENT = "\u0002";
const SEPARATOR = "\u0001";

/**
 * Where samples of a fixed group of metrics go (each metric's own sink plus the sub-metrics
 * their tags match), resolved once per combination of the tag values those sub-metrics look at.
 * A request's samples then skip the metric lookup and the tag matching, and the full tag set is
 * built only for `--out json`. With no threshold on a tag, http_req_duration's
 * `{expected_response:true}` is the only one looked at, so two routes serve a whole test.
 */
export class RouteTable {
  private readonly defs: MetricDef[];
  private version = -1;
  /** Tag keys any sub-metric of these metrics selects on. */
  private keys: string[] = [];
  private readonly routes = new Map<string, Route>();

  constructor(
    private readonly registry: Registry,
    names: readonly string[],
  ) {
    this.defs = names.map((name) => {
      const def = registry.metrics.get(name);
      if (!def) throw new Error(`RouteTable: no metric "${name}"`);
      return def;
    });
  }

  /** The route for the tag set `lookup` describes. */
  route(lookup: TagLookup): Route {
    if (this.version !== this.registry.version) {
      this.version = this.registry.version;
      this.routes.clear();
      this.keys = [
        ...new Set(this.defs.flatMap((def) => def.subMetrics.flatMap((s) => Object.keys(s.tags)))),
      ];
    }
    let key = "";
    for (const tag of this.keys) {
      const value = lookup(tag);
      // Sub-metrics match strings only (`!==`), so every other value routes alike.
      key += `${value === undefined ? ABSENT : typeof value === "string" ? `s${value}` : "o"}${SEPARATOR}`;
    }
    let route = this.routes.get(key);
    if (route === undefined) {
      route = this.defs.map((def) => [
        def.sink,
        ...def.subMetrics
          .filter((sub) => Object.entries(sub.tags).every(([k, v]) => lookup(k) === v))
          .map((sub) => sub.sink),
      ]);
      // A sub-metric on a tag with unbounded values (url) must not grow memory over a soak.
      if (this.routes.size >= 10_000) this.routes.clear();
      this.routes.set(key, route);
    }
    return route;
  }

  /** Adds `value` to metric `index` (in the order given to the constructor) along `route`. */
  add(route: Route, index: number, value: number, tags: Tags | undefined): void {
    this.registry.addResolved(this.defs[index] as MetricDef, route[index] as Sink[], value, tags);
  }

  /** Whether samples need their full tag set (a streaming output listens). */
  get wantsTags(): boolean {
    return this.registry.onSample !== undefined;
  }
}

const tables = new WeakMap<Registry, Map<string, RouteTable>>();

/** The RouteTable of `registry` for metrics `names`, made once per registry and group. */
export function routeTable(
  registry: Registry,
  group: string,
  names: readonly string[],
): RouteTable {
  let byGroup = tables.get(registry);
  if (!byGroup) {
    byGroup = new Map();
    tables.set(registry, byGroup);
  }
  let table = byGroup.get(group);
  if (!table) {
    table = new RouteTable(registry, names);
    byGroup.set(group, table);
  }
  return table;
}
