import { createWriteStream, type WriteStream } from "node:fs";
import type { MetricDef, Registry, Tags } from "./metrics.ts";
import type { Redactor } from "./redact.ts";
import type { Threshold } from "./thresholds.ts";

/**
 * Tag values with secrets redacted (the `url` and `name` tags hold whole URLs): each distinct
 * value is redacted once, and a tag set without a secret is written as it is.
 */
function tagRedactor(redactor: Redactor): (tags: Tags) => Tags {
  const seen = new Map<string, string>();
  const clean = (value: string): string => {
    let out = seen.get(value);
    if (out === undefined) {
      out = redactor.text(value);
      // Unbounded URL sets (ids in the path) must not grow memory over a soak.
      if (seen.size >= 10_000) seen.clear();
      seen.set(value, out);
    }
    return out;
  };
  return (tags) => {
    let copy: Tags | undefined;
    for (const key in tags) {
      const value = tags[key] as string;
      const redacted = clean(value);
      if (redacted !== value) {
        copy ??= { ...tags };
        copy[key] = redacted;
      }
    }
    return copy ?? tags;
  };
}

/**
 * `--out json=<file>`: k6's NDJSON stream, a `Metric` line before the first `Point` of each
 * metric; time values in ms. Secrets in tags and sub-metric names are redacted.
 */
export function streamJsonOutput(
  file: string,
  registry: Registry,
  thresholds: Threshold[],
  redactor: Redactor,
): WriteStream {
  const stream = createWriteStream(file);
  const announced = new Set<string>();
  const redactTags = tagRedactor(redactor);
  registry.onSample = (def: MetricDef, value: number, tags: Tags) => {
    if (!announced.has(def.name)) {
      announced.add(def.name);
      const metric = {
        name: def.name,
        type: def.type,
        contains: def.isTime ? "time" : def.name.startsWith("data_") ? "data" : "default",
        thresholds: thresholds
          .filter((t) => t.metric.split("{")[0] === def.name)
          .map((t) => t.source),
        submetrics: def.subMetrics.length
          ? def.subMetrics.map((s) => ({
              name: s.key,
              suffix: s.key.slice(def.name.length + 1, -1),
              tags: s.tags,
            }))
          : null,
      };
      const line = { type: "Metric", data: redactor.deep(metric), metric: def.name };
      stream.write(`${JSON.stringify(line)}\n`);
    }
    const point = { time: new Date().toISOString(), value, tags: redactTags(tags) };
    stream.write(`${JSON.stringify({ metric: def.name, type: "Point", data: point })}\n`);
  };
  return stream;
}
