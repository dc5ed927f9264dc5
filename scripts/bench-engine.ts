#!/usr/bin/env tsx
// `npm run bench:engine`: the built-in engine vs autocannon, open-model accuracy and soak memory.
import { perfgate } from "./_perfgate.ts";

await perfgate("bench-engine");
