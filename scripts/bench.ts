#!/usr/bin/env tsx
// `npm run bench`: microbenchmark suites (mitata + tinybench), table and run record.
import { perfgate } from "./_perfgate.ts";

await perfgate("bench");
