// The per-VU cookie jar: Set-Cookie stored and sent back, params.cookies, res.cookies,
// http.cookieJar() and a jar of one's own (new http.CookieJar()).
import { check } from "k6";
import http from "k6/http";

const BASE = __ENV.BASE_URL;

export default function () {
  const set = http.get(`${BASE}/set?flavour=oat`);
  check(set, {
    "res.cookies has the Set-Cookie": (r) => r.cookies.flavour[0].value === "oat",
  });
  check(http.get(`${BASE}/cookies`), {
    "the jar sends it back": (r) => r.json().flavour === "oat",
  });
  check(http.get(`${BASE}/cookies`, { cookies: { extra: "1" } }), {
    "params.cookies are sent with the jar's": (r) =>
      r.json().extra === "1" && r.json().flavour === "oat",
  });
  check(http.get(`${BASE}/cookies`, { cookies: { flavour: { value: "rye", replace: true } } }), {
    "replace: true overrides the jar's value": (r) => r.json().flavour === "rye",
  });
  const jar = http.cookieJar();
  jar.set(BASE, "manual", "yes");
  check(jar.cookiesForURL(`${BASE}/`), {
    "cookiesForURL lists the VU jar": (c) => c.flavour[0] === "oat" && c.manual[0] === "yes",
  });
  check(http.get(`${BASE}/cookies`), {
    "jar.set cookies are sent": (r) => r.json().manual === "yes",
  });
  const own = new http.CookieJar();
  check(http.get(`${BASE}/cookies`, { jar: own }), {
    "a new jar starts empty": (r) => Object.keys(r.json()).length === 0,
  });
  http.get(`${BASE}/set-redirect`);
  check(http.get(`${BASE}/cookies`), {
    "a cookie set on a redirect hop is kept": (r) => r.json().hop === "1",
  });
  jar.clear(BASE);
  check(http.get(`${BASE}/cookies`), {
    "clear empties the jar": (r) => Object.keys(r.json()).length === 0,
  });
}
