import { EXIT, HarnessError } from "../schema/index.ts";

/**
 * V8 `.heapsnapshot` files (what `v8.getHeapSnapshot()` and DevTools write) reduced to what a
 * leak report needs: self size and object count per constructor. Pure; the caller reads the file.
 * The format is self-describing: `snapshot.meta.node_fields` names the columns of the flat
 * `nodes` array and `node_types[0]` the values of its `type` column.
 */

/** Self size and object count of one constructor (DevTools' "class name"). */
export interface ConstructorTotal {
  name: string;
  selfBytes: number;
  count: number;
}

/** Totals per constructor, largest first, plus the heap total over every node. */
export interface HeapSummary {
  totalBytes: number;
  nodeCount: number;
  constructors: ConstructorTotal[];
}

/** One constructor's growth from snapshot `a` to snapshot `b`. */
export interface ConstructorGrowth {
  name: string;
  deltaBytes: number;
  deltaCount: number;
  /** Self size in the later snapshot. */
  bytes: number;
  count: number;
}

interface RawSnapshot {
  snapshot: { meta: { node_fields: string[]; node_types: unknown[] } };
  nodes: number[];
  strings: string[];
}

function invalid(source: string, field: string): never {
  throw new HarnessError("E_HEAP_SNAPSHOT", `${source}: not a V8 heap snapshot (${field})`, {
    hint: "take one with v8.getHeapSnapshot() or GET /debug/heap-snapshot",
    exitCode: EXIT.toolFailed,
  });
}

function asSnapshot(raw: unknown, source: string): RawSnapshot {
  const value = raw as Partial<RawSnapshot> | null;
  const meta = value?.snapshot?.meta;
  if (!meta || !Array.isArray(meta.node_fields)) invalid(source, "snapshot.meta.node_fields");
  if (!Array.isArray(meta.node_types) || !Array.isArray(meta.node_types[0]))
    invalid(source, "snapshot.meta.node_types");
  if (!Array.isArray(value?.nodes)) invalid(source, "nodes");
  if (!Array.isArray(value?.strings)) invalid(source, "strings");
  return value as RawSnapshot;
}

/**
 * DevTools' grouping: objects and native nodes by their name (the constructor, or e.g.
 * `system / JSArrayBufferData` for ArrayBuffer backing stores), everything else by its type.
 */
function className(type: string, name: string): string {
  switch (type) {
    case "object":
    case "native":
    case "synthetic":
      return name;
    case "hidden":
      return "(system)";
    case "code":
      return "(compiled code)";
    case "concatenated string":
    case "sliced string":
      return "(string)";
    default:
      return `(${type})`;
  }
}

/**
 * Self size and count per constructor of one parsed heap snapshot.
 *
 * @param source names the snapshot in errors (its file path).
 * @throws HarnessError E_HEAP_SNAPSHOT when the JSON is not a heap snapshot.
 */
export function summarizeHeapSnapshot(raw: unknown, source = "heap snapshot"): HeapSummary {
  const { snapshot, nodes, strings } = asSnapshot(raw, source);
  const fields = snapshot.meta.node_fields;
  const types = snapshot.meta.node_types[0] as string[];
  const width = fields.length;
  const typeAt = fields.indexOf("type");
  const nameAt = fields.indexOf("name");
  const sizeAt = fields.indexOf("self_size");
  if (width === 0 || typeAt < 0 || nameAt < 0 || sizeAt < 0)
    invalid(source, "node_fields lacks type, name or self_size");
  if (nodes.length % width !== 0) invalid(source, "nodes length is not a multiple of node_fields");

  const totals = new Map<string, ConstructorTotal>();
  let totalBytes = 0;
  for (let i = 0; i < nodes.length; i += width) {
    const type = types[nodes[i + typeAt] as number] ?? "unknown";
    const name = strings[nodes[i + nameAt] as number] ?? "";
    const size = nodes[i + sizeAt] as number;
    const key = className(type, name);
    const total = totals.get(key) ?? { name: key, selfBytes: 0, count: 0 };
    total.selfBytes += size;
    total.count += 1;
    totals.set(key, total);
    totalBytes += size;
  }
  const constructors = [...totals.values()].sort(
    (a, b) => b.selfBytes - a.selfBytes || a.name.localeCompare(b.name),
  );
  return { totalBytes, nodeCount: nodes.length / width, constructors };
}

/**
 * The constructors that grew most in self size from `a` to `b` (only growth, largest first,
 * ties by name): the leak report's "what is piling up".
 */
export function diffHeapSnapshots(a: HeapSummary, b: HeapSummary, top = 10): ConstructorGrowth[] {
  const before = new Map(a.constructors.map((entry) => [entry.name, entry]));
  const growth: ConstructorGrowth[] = [];
  for (const after of b.constructors) {
    const base = before.get(after.name);
    const deltaBytes = after.selfBytes - (base?.selfBytes ?? 0);
    if (deltaBytes <= 0) continue;
    growth.push({
      name: after.name,
      deltaBytes,
      deltaCount: after.count - (base?.count ?? 0),
      bytes: after.selfBytes,
      count: after.count,
    });
  }
  growth.sort((x, y) => y.deltaBytes - x.deltaBytes || x.name.localeCompare(y.name));
  return growth.slice(0, top);
}
