#!/usr/bin/env node
// The `perfgate-k6` bin of the published package (compiled to dist/bin.mjs).
import v8 from "node:v8";

// As in bin/perfgate-k6.mjs: llhttp's WebAssembly on V8's baseline tier only (the optimising
// tier cost ~30 MB of RSS and no throughput), set before undici compiles it.
v8.setFlagsFromString("--liftoff-only");
const { engineMain } = await import("./main.ts");
await engineMain();
