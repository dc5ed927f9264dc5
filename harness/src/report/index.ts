export * from "./headline.ts";
export * from "./run-report.ts";
