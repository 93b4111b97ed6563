import { fetchProducts, Product } from './api';

function cheapest(products: Product[]): Product | undefined {
  return products.reduce<Product | undefined>((best, p) => (!best || p.priceCents < best.priceCents ? p : best), undefined);
}

fetchProducts('http://localhost:8080').then((ps) => console.log(cheapest(ps)));
