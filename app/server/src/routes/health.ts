import type { Routes } from "../http.ts";
import { sendJson } from "../http.ts";

export const healthRoutes: Routes = {
  "GET /healthz": (_req, res) => {
    sendJson(
      res,
      200,
      { status: "ok", uptimeSeconds: Math.round(process.uptime()) },
      { "cache-control": "no-store" },
    );
  },
};
