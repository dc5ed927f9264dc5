export interface Product {
  id: number;
  name: string;
  priceCents: number;
}

export async function fetchProducts(limit: number, offset = 0): Promise<Product[]> {
  const response = await fetch(`/api/products?limit=${limit}&offset=${offset}`);
  if (!response.ok) throw new Error(`GET /api/products: ${response.status}`);
  return ((await response.json()) as { items: Product[] }).items;
}
