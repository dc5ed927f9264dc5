import { z } from "zod";
import { PerfgateConfig } from "../schema/config.ts";

/** The README's config reference lives between these markers. */
export const REFERENCE_START = "<!-- perfgate:config-reference:start -->";
export const REFERENCE_END = "<!-- perfgate:config-reference:end -->";

interface JsonSchema {
  type?: string | string[];
  description?: string;
  default?: unknown;
  enum?: unknown[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  additionalProperties?: JsonSchema | boolean;
}

function typeOf(schema: JsonSchema): string {
  if (schema.enum) return schema.enum.map((v) => JSON.stringify(v)).join(" \\| ");
  if (schema.type === "array") return `${schema.items ? typeOf(schema.items) : "unknown"}[]`;
  if (schema.type === "object" && typeof schema.additionalProperties === "object") {
    return schema.additionalProperties.properties
      ? "object"
      : `{ [key]: ${typeOf(schema.additionalProperties)} }`;
  }
  return Array.isArray(schema.type) ? schema.type.join(" \\| ") : (schema.type ?? "unknown");
}

function rows(schema: JsonSchema, prefix: string, required: boolean, out: string[]): void {
  if (prefix) {
    const fallback =
      schema.default === undefined
        ? required
          ? "required"
          : "—"
        : `\`${JSON.stringify(schema.default)}\``;
    const description = (schema.description ?? "").replaceAll("|", "\\|");
    out.push(`| \`${prefix}\` | ${typeOf(schema)} | ${fallback} | ${description} |`);
  }
  const nested =
    schema.type === "array"
      ? schema.items
      : schema.type === "object" && typeof schema.additionalProperties === "object"
        ? schema.additionalProperties
        : undefined;
  if (nested?.properties) {
    rows({ ...nested, description: undefined, default: undefined }, "", true, []);
    const suffix = schema.type === "array" ? "[]" : ".<name>";
    for (const [key, child] of Object.entries(nested.properties)) {
      rows(child, `${prefix}${suffix}.${key}`, nested.required?.includes(key) ?? false, out);
    }
    return;
  }
  for (const [key, child] of Object.entries(schema.properties ?? {})) {
    rows(child, prefix ? `${prefix}.${key}` : key, schema.required?.includes(key) ?? false, out);
  }
}

/** The config reference table, generated from the zod schema so it cannot drift. Pure. */
export function renderConfigReference(): string {
  const schema = z.toJSONSchema(PerfgateConfig, {
    io: "input",
    unrepresentable: "any",
  }) as JsonSchema;
  const out: string[] = [];
  rows(schema, "", true, out);
  return [
    "Generated from `harness/src/schema/config.ts` (`PERFGATE_UPDATE_GOLDEN=1 npx vitest run harness/src/config/reference.test.ts` rewrites it).",
    "",
    "| key | type | default | what it does |",
    "| --- | --- | --- | --- |",
    ...out,
    "",
  ].join("\n");
}

/** `text` with the section between the markers replaced by `body`; undefined without markers. */
export function replaceReference(text: string, body: string): string | undefined {
  const start = text.indexOf(REFERENCE_START);
  const end = text.indexOf(REFERENCE_END);
  if (start < 0 || end < start) return undefined;
  return `${text.slice(0, start)}${REFERENCE_START}\n${body}${REFERENCE_END}${text.slice(end + REFERENCE_END.length)}`;
}
