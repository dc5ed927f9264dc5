import { fetchProducts } from "../lib/api.ts";
import { formatPrice } from "../lib/format.ts";

/**
 * The heavy view. The summary table renders at once; the chart (Chart.js, its own vendor chunk)
 * sits below the fold and is imported only when it scrolls into view, so it never blocks the
 * first render.
 */
export async function render(root: HTMLElement): Promise<void> {
  const items = await fetchProducts(50);
  const table = document.createElement("table");
  for (const item of items) {
    const row = table.insertRow();
    row.insertCell().textContent = item.name;
    row.insertCell().textContent = formatPrice(item.priceCents);
  }
  const chart = document.createElement("div");
  chart.id = "chart";
  // Reserved space: the chart arriving later does not shift the layout.
  chart.style.minHeight = "300px";
  root.replaceChildren(table, chart);
  const observer = new IntersectionObserver((entries) => {
    if (!entries.some((e) => e.isIntersecting)) return;
    observer.disconnect();
    void import("./dashboard-chart.ts").then(({ drawChart }) => drawChart(chart, items));
  });
  observer.observe(chart);
}
