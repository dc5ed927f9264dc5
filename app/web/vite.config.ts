import path from "node:path";
import { defineConfig } from "vite";

/** Vendor chunks split by package: one long-cacheable chunk per dependency. */
function vendorChunk(id: string): string | undefined {
  const match = id.match(/node_modules\/((?:@[^/]+\/)?[^/]+)\//);
  return match ? `vendor-${match[1]?.replace("@", "").replace("/", "-")}` : undefined;
}

export default defineConfig({
  root: import.meta.dirname,
  build: {
    outDir: process.env.PERFGATE_WEB_OUT_DIR ?? path.join(import.meta.dirname, "dist"),
    emptyOutDir: true,
    manifest: true,
    target: "es2022",
    // Hashed names for long-term caching; the server marks /assets/* immutable.
    assetsDir: "assets",
    rollupOptions: { output: { manualChunks: vendorChunk } },
  },
});
