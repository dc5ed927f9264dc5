#!/usr/bin/env tsx
// `npm run lhci`: Lighthouse CI budgets on the built web app in the system Chromium.
import { perfgate } from "./_perfgate.ts";

await perfgate("lhci");
