#!/usr/bin/env tsx
// `npm run evaluate`: the regression detector's A/A false-alarm rate and power, measured here.
import { perfgate } from "./_perfgate.ts";

await perfgate("evaluate");
