#!/usr/bin/env tsx
// Regenerates the committed JSON Schema of the run record.
import { runCli } from "../harness/src/cli/main.ts";

await runCli(["schema", "export"]);
