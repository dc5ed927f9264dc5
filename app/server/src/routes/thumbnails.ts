import type { Routes } from "../http.ts";
import { intParam } from "../lib/body.ts";
import {
  bytesRepresentation,
  type Representation,
  serveRepresentation,
} from "../representation.ts";
import type { AppServices } from "../services.ts";

/** The image is a pure function of (id, size): cache it anywhere, forever. */
const IMMUTABLE = "public, max-age=31536000, immutable";

export function createThumbnailRoutes(app: AppServices): Routes {
  return {
    "GET /api/products/:id/thumbnail": async (req, res, { params, url }) => {
      const id = intParam("id", params.id, undefined, 1, 2_147_483_647);
      const size = intParam("size", url.searchParams.get("size"), 128, 16, 512);
      const key = `${id}:${size}`;
      let rep: Representation | undefined = app.cache.enabled ? app.thumbnails.get(key) : undefined;
      if (!rep) {
        // A client that gives up while the task waits takes it out of the queue.
        const gone = new AbortController();
        res.once("close", () => gone.abort());
        const image = await app.pool
          .run({ kind: "thumbnail", id, size }, { signal: gone.signal })
          .catch((error: unknown) => {
            if (gone.signal.aborted) return undefined;
            throw error;
          });
        if (!image) return;
        const body = Buffer.from(image.buffer, image.byteOffset, image.byteLength);
        rep = bytesRepresentation(body, "image/bmp");
        if (app.cache.enabled) app.thumbnails.set(key, rep);
      }
      serveRepresentation(req, res, rep, {
        cacheControl: IMMUTABLE,
        compression: app.config.compression,
      });
    },
  };
}
