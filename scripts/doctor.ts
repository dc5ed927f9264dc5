#!/usr/bin/env tsx
// `npm run doctor`: what this machine has for perfgate and what each missing piece disables.
import { perfgate } from "./_perfgate.ts";

await perfgate("doctor");
