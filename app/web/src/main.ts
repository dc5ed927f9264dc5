type Render = (root: HTMLElement, params: { id: string }) => Promise<void>;

/** Route-level code splitting: each view is its own chunk, fetched on first navigation to it. */
const routes: [RegExp, () => Promise<{ render: Render }>][] = [
  [/^\/$/, () => import("./routes/catalogue.ts")],
  [/^\/item\/(?<id>\d+)$/, () => import("./routes/item.ts")],
  [/^\/search$/, () => import("./routes/search.ts")],
  [/^\/dashboard$/, () => import("./routes/dashboard.ts")],
  [/^\/settings$/, () => import("./routes/settings.ts")],
];

const root = document.getElementById("app") as HTMLElement;

async function navigate(pathname: string): Promise<void> {
  const match = routes
    .map(([pattern, load]) => ({ m: pattern.exec(pathname), load }))
    .find((r) => r.m);
  if (!match) {
    root.textContent = "Not found";
    return;
  }
  const view = await match.load();
  await view.render(root, { id: match.m?.groups?.id ?? "" });
}

document.addEventListener("click", (event) => {
  const link = (event.target as HTMLElement).closest("a[data-link]") as HTMLAnchorElement | null;
  if (!link || link.origin !== location.origin) return;
  event.preventDefault();
  history.pushState(null, "", link.pathname);
  void navigate(link.pathname);
});
window.addEventListener("popstate", () => void navigate(location.pathname));
void navigate(location.pathname);

/** Non-critical start-up work waits until the main thread is idle, so it never adds blocking time. */
function whenIdle(task: () => void): void {
  if ("requestIdleCallback" in window) requestIdleCallback(task, { timeout: 3000 });
  else setTimeout(task, 1000);
}

// Offline support: Workbox precaches the shell; a new version waits until the user accepts it.
whenIdle(() => {
  if (!("serviceWorker" in navigator)) return;
  void import("workbox-window").then(({ Workbox }) => {
    const wb = new Workbox("/sw.js");
    wb.addEventListener("waiting", () => {
      const button = document.createElement("button");
      button.id = "update-available";
      button.textContent = "A new version is ready: reload";
      button.addEventListener("click", () => {
        wb.addEventListener("controlling", () => location.reload());
        wb.messageSkipWaiting();
      });
      document.body.append(button);
    });
    void wb.register();
  });
});

const beacon = (name: string, value: number) =>
  navigator.sendBeacon("/api/vitals", JSON.stringify({ name, value, page: location.pathname }));

// Field data: Web Vitals, plus long tasks and resource timing from PerformanceObserver.
whenIdle(() => {
  void import("web-vitals").then(({ onCLS, onINP, onLCP, onFCP, onTTFB }) => {
    for (const on of [onCLS, onINP, onLCP, onFCP, onTTFB])
      on((metric) => beacon(metric.name, metric.value));
  });
});
for (const [type, name] of [
  ["longtask", "LONGTASK"],
  ["resource", "RESOURCE"],
] as const) {
  if (!PerformanceObserver.supportedEntryTypes.includes(type)) continue;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      // A beacon is itself a resource: reporting it would feed back forever.
      const resource = entry as PerformanceResourceTiming;
      if (
        type === "resource" &&
        (resource.initiatorType === "beacon" || entry.name.includes("/api/vitals"))
      )
        continue;
      beacon(name, entry.duration);
    }
  }).observe({ type, buffered: true });
}
