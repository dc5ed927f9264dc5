#!/usr/bin/env tsx
// `npm run load`: app up, scenarios, endpoint passes, run record, report.
import { perfgate } from "./_perfgate.ts";

await perfgate("load");
