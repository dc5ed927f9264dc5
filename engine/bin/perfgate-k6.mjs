#!/usr/bin/env node
// perfgate's built-in k6-compatible engine, started with k6's arguments (`run`, `merge`).
import path from "node:path";
import { pathToFileURL } from "node:url";
import v8 from "node:v8";
import { builtEngine } from "./build-engine.mjs";

// undici parses HTTP with llhttp compiled to WebAssembly; V8's optimising tier recompiled that
// module in the background for ~30 MB of RSS (mostly at exit) and no measurable throughput
// (`npm run bench:engine`): the baseline compiler alone keeps the process's peak RSS at what the
// engine measures and prints. Set before any module is compiled; worker threads share it.
v8.setFlagsFromString("--liftoff-only");

const dir = await builtEngine();
const { engineMain } = await import(pathToFileURL(path.join(dir, "main.mjs")).href);
await engineMain();
