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

// Offline support: Workbox precaches the shell; a new version waits until the user accepts it.
if ("serviceWorker" in navigator) {
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
}

// Field data: Web Vitals go to the app's beacon intake, loaded after the page is interactive.
void import("web-vitals").then(({ onCLS, onINP, onLCP, onFCP, onTTFB }) => {
  const send = (metric: { name: string; value: number; id: string }) =>
    navigator.sendBeacon(
      "/api/vitals",
      JSON.stringify({
        name: metric.name,
        value: metric.value,
        id: metric.id,
        page: location.pathname,
      }),
    );
  for (const on of [onCLS, onINP, onLCP, onFCP, onTTFB]) on(send);
});
