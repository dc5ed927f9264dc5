#!/usr/bin/env tsx
// `npm run compare -- --base <ref>`: interleaved base vs working tree, confirmed regressions fail.
import { perfgate } from "./_perfgate.ts";

await perfgate("compare");
