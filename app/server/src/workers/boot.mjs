// Worker threads do not inherit tsx's loader (and vitest's transform never reaches them):
// register it, then hand piscina the TypeScript task module's handler.
import { register } from "tsx/esm/api";

register();
const tasks = await import("./tasks.ts");
export default tasks.default;
