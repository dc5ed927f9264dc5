#!/usr/bin/env node
// perfgate's built-in k6-compatible engine, started with k6's arguments (`run`, `merge`).
import { register } from "tsx/esm/api";

register();
const { engineMain } = await import("../src/main.ts");
await engineMain();
