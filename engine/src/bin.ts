#!/usr/bin/env node
// The `perfgate-k6` bin of the published package (compiled to dist/bin.js).
import { engineMain } from "./main.ts";

await engineMain();
