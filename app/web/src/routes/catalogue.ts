import { fetchProducts } from "../lib/api.ts";
import { formatPrice } from "../lib/format.ts";

/** The catalogue: 20 items; images below the fold load lazily and reserve their space. */
export async function render(root: HTMLElement): Promise<void> {
  const items = await fetchProducts(20);
  const list = document.createElement("ul");
  list.className = "grid";
  for (const [index, item] of items.entries()) {
    const card = document.createElement("li");
    card.className = "card";
    const img = document.createElement("img");
    img.alt = item.name;
    img.width = 320;
    img.height = 240;
    img.loading = index < 4 ? "eager" : "lazy";
    img.decoding = "async";
    img.src = `data:image/svg+xml,${encodeURIComponent(`<svg xmlns="http://www.w3.org/2000/svg" width="320" height="240"><rect width="320" height="240" fill="hsl(${(item.id * 37) % 360},40%,80%)"/></svg>`)}`;
    const link = document.createElement("a");
    link.href = `/item/${item.id}`;
    link.dataset.link = "";
    link.textContent = item.name;
    const price = document.createElement("div");
    price.textContent = formatPrice(item.priceCents);
    card.append(img, link, price);
    list.append(card);
  }
  root.replaceChildren(list);
}
