#!/usr/bin/env node
// The CLI is TypeScript run through tsx, so `npx perfgate` works straight from a clone with no
// build step.
import { register } from "tsx/esm/api";

register();
const { cliMain } = await import("../src/cli/main.ts");
await cliMain();
