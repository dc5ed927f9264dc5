export * from "./archive.ts";
export * from "./comparison.ts";
export * from "./errors.ts";
export * from "./json-schema.ts";
export * from "./redact.ts";
export * from "./run-result.ts";
export * from "./validate.ts";
