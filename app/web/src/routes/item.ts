import { fetchProducts } from "../lib/api.ts";
import { formatPrice } from "../lib/format.ts";

export async function render(root: HTMLElement, params: { id: string }): Promise<void> {
  const id = Number(params.id);
  const [item] = await fetchProducts(1, Math.max(0, id - 1));
  const heading = document.createElement("h1");
  heading.textContent = item ? item.name : "Not found";
  const price = document.createElement("p");
  price.textContent = item ? formatPrice(item.priceCents) : "";
  root.replaceChildren(heading, price);
}
