import { fetchJsonOffline } from "./offline-store.ts";

export interface Product {
  id: number;
  name: string;
  priceCents: number;
}

export async function fetchProducts(limit: number, offset = 0): Promise<Product[]> {
  return (
    await fetchJsonOffline<{ items: Product[] }>(`/api/products?limit=${limit}&offset=${offset}`)
  ).items;
}
