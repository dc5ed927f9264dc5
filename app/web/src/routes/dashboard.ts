import { BarController, BarElement, CategoryScale, Chart, LinearScale } from "chart.js";
import { fetchProducts } from "../lib/api.ts";

// Register only what the dashboard draws, so the rest of Chart.js is tree-shaken away.
Chart.register(BarController, BarElement, CategoryScale, LinearScale);

/** The heavy view: a chart library in its own lazy vendor chunk, loaded only on this route. */
export async function render(root: HTMLElement): Promise<void> {
  const items = await fetchProducts(50);
  const canvas = document.createElement("canvas");
  canvas.width = 800;
  canvas.height = 300;
  root.replaceChildren(canvas);
  new Chart(canvas, {
    type: "bar",
    data: {
      labels: items.map((i) => String(i.id)),
      datasets: [{ label: "price (cents)", data: items.map((i) => i.priceCents) }],
    },
    options: { animation: false, responsive: false },
  });
}
