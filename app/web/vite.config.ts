import path from "node:path";
import { visualizer } from "rollup-plugin-visualizer";
import { defineConfig } from "vite";
import { VitePWA } from "vite-plugin-pwa";

/** Vendor chunks split by package: one long-cacheable chunk per dependency. */
function vendorChunk(id: string): string | undefined {
  const match = id.match(/node_modules\/((?:@[^/]+\/)?[^/]+)\//);
  return match ? `vendor-${match[1]?.replace("@", "").replace("/", "-")}` : undefined;
}

export default defineConfig({
  root: import.meta.dirname,
  plugins: [
    // The harness asks for a treemap of the build as a run artifact.
    ...(process.env.PERFGATE_WEB_TREEMAP
      ? [
          visualizer({
            filename: process.env.PERFGATE_WEB_TREEMAP,
            template: "treemap",
            gzipSize: true,
            brotliSize: true,
          }),
        ]
      : []),
    VitePWA({
      // main.ts registers the worker with workbox-window so it can offer the update.
      injectRegister: false,
      registerType: "prompt",
      manifest: false,
      workbox: {
        // One self-contained sw.js: nothing else at the site root to serve or cache-bust.
        inlineWorkboxRuntime: true,
        globPatterns: ["**/*.{js,css,html}"],
        navigateFallback: "index.html",
        navigateFallbackDenylist: [/^\/api\//],
        runtimeCaching: [
          {
            urlPattern: ({ url }) =>
              url.pathname.startsWith("/api/") && !url.pathname.startsWith("/api/vitals"),
            handler: "StaleWhileRevalidate",
            options: { cacheName: "api" },
          },
          {
            urlPattern: ({ request }) => request.destination === "image",
            handler: "CacheFirst",
            options: {
              cacheName: "images",
              expiration: { maxEntries: 200, maxAgeSeconds: 7 * 24 * 3600 },
            },
          },
        ],
      },
    }),
  ],
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
