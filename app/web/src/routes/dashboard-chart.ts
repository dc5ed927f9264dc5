import { BarController, BarElement, CategoryScale, Chart, LinearScale } from "chart.js";
import type { Product } from "../lib/api.ts";

// Register only what the dashboard draws, so the rest of Chart.js is tree-shaken away.
Chart.register(BarController, BarElement, CategoryScale, LinearScale);

export function drawChart(host: HTMLElement, items: Product[]): void {
  const canvas = document.createElement("canvas");
  canvas.width = 800;
  canvas.height = 300;
  host.replaceChildren(canvas);
  new Chart(canvas, {
    type: "bar",
    data: {
      labels: items.map((i) => String(i.id)),
      datasets: [{ label: "price (cents)", data: items.map((i) => i.priceCents) }],
    },
    options: { animation: false, responsive: false },
  });
}
