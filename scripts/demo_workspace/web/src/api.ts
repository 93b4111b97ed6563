export interface Product {
  id: number;
  name: string;
  priceCents: number;
}

export async function fetchProducts(base: string): Promise<Product[]> {
  const response = await fetch(`${base}/products`);
  return (await response.json()) as Product[];
}
