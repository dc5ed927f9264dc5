#!/usr/bin/env node
// Runs the engine from its TypeScript source through tsx, with k6's arguments (`run`, `merge`):
// the launcher of a clone, used when the harness itself runs from source. The published
// package's bin is dist/bin.js.
import { register } from "tsx/esm/api";

register();
const { engineMain } = await import("../src/main.ts");
await engineMain();
