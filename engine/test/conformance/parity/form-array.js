// Array values of a form body are repeated keys, not comma-joined.
import { check } from "k6";
import http from "k6/http";

export default function () {
  const res = http.post(`${__ENV.BASE_URL}/echo`, { topping: ["onion", "bacon"], size: 2 });
  const body = res.json().body.split("&").sort().join("&");
  check(res, {
    "repeated keys": () => body === "size=2&topping=bacon&topping=onion",
    "form content type": (r) => r.json().contentType === "application/x-www-form-urlencoded",
  });
}
