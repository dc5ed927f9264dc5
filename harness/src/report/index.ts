export * from "./run-report.ts";
