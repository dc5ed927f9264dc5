#!/usr/bin/env tsx
// `npm run bench:distributed`: the k6-operator played locally with n = 1, 2, 4 engine runners.
import { perfgate } from "./_perfgate.ts";

await perfgate("bench-distributed");
