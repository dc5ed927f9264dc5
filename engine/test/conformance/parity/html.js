// k6/html: parseHTML, res.html() and res.submitForm().
import { check } from "k6";
import { parseHTML } from "k6/html";
import http from "k6/http";

export default function () {
  const res = http.get(`${__ENV.BASE_URL}/html`);
  const doc = parseHTML(res.body);
  const hrefs = [];
  doc.find("a").each((_i, el) => hrefs.push(el.getAttribute("href")));
  check(doc, {
    title: (d) => d.find("title").text() === "Parity page",
    attr: (d) => d.find("a").last().attr("data-id") === "7",
    "each and element": () => hrefs.join(",") === "/a,/b",
    "res.html()": () => res.html("h1").text() === "Hello k6",
    size: (d) => d.find("li").size() === 2,
    "val of input": (d) => d.find("input[name=csrf]").val() === "t0k3n",
  });
  const sent = res.submitForm({ formSelector: "#login", fields: { user: "bob" } });
  const body = sent.json().body.split("&").sort().join("&");
  check(sent, {
    "submitForm posts the form": (r) => r.json().method === "POST",
    "with its fields and the submit button": () => body === "csrf=t0k3n&go=Go&size=m&user=bob",
  });
}
