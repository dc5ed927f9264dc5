import { z } from "zod";
import { RunResult } from "./run-result.ts";

/** The JSON Schema of the run record, as committed in `run-result.schema.json`. */
export function renderRunResultJsonSchema(): string {
  const schema = z.toJSONSchema(RunResult, { target: "draft-2020-12", io: "output" });
  return `${JSON.stringify({ ...schema, title: "perfgate RunResult" }, null, 2)}\n`;
}
