import { check, group } from "k6";
import http from "k6/http";

export const options = { vus: 1, iterations: 3 };

export default function () {
  group("visit product listing page", () => {
    const res = http.get(`${__ENV.BASE_URL}/products`);
    check(res, { "listing is 200": (r) => r.status === 200 });
  });
  group("add several products to the shopping cart", () => {
    http.post(`${__ENV.BASE_URL}/cart`, JSON.stringify({ id: 1 }), {
      headers: { "Content-Type": "application/json" },
    });
    group("checkout", () => {
      http.get(`${__ENV.BASE_URL}/checkout`);
    });
  });
}
