#!/usr/bin/env tsx
// `npm run report`: regenerate reports/TRENDS.md, charts and index.html from committed runs.
import { perfgate } from "./_perfgate.ts";

await perfgate("report");
