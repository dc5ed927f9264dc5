#!/usr/bin/env node
// The `perfgate` bin of the published package (compiled to dist/cli.js).
import { cliMain } from "./main.ts";

await cliMain();
