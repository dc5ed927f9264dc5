import { describe, expect, it } from "vitest";
import { parseHTML } from "./html.ts";

const PAGE = `<div id="d" data-user-id="7"><p id="x" class="a b">Hi <b>there</b></p><p>2</p>
<form><input name="q" value="v"><input type="checkbox" name="c1" checked="checked"><input type="checkbox" name="c2" checked>
<input name="off" disabled="disabled" value="n"><textarea name="t">txt</textarea>
<select name="m" multiple><option value="1" selected>1</option><option selected>two</option></select>
<input type="submit" name="go" value="Go"></form></div>`;

describe("k6/html on cheerio (k6's Selection and Element)", () => {
  const doc = parseHTML(PAGE);

  it("selects, traverses and reads like k6's goquery-backed Selection", () => {
    expect(doc.find("p").size()).toBe(2);
    expect(doc.find("p").text()).toBe("Hi there2");
    expect(doc.find("p").first().html()).toBe("Hi <b>there</b>");
    expect(doc.find("b").parent().attr("id")).toBe("x");
    expect(doc.find("p").is("#x")).toBe(true);
    expect(doc.find("p").not("#x").text()).toBe("2");
    expect(doc.find("nothing").attr("x")).toBeUndefined();
    expect(doc.find("nothing").attr("x", "def")).toBe("def");
    expect(doc.find("p").map((_i, s) => (s as ReturnType<typeof parseHTML>).text())).toEqual([
      "Hi there",
      "2",
    ]);
    expect(doc.find("#d").data("userId")).toBe(7);
  });

  it("hands Elements whose properties are methods, as k6 does", () => {
    const names: string[] = [];
    doc.find("p").each((_i, el) => names.push((el as { nodeName(): string }).nodeName()));
    expect(names).toEqual(["p", "p"]);
    const el = doc.find("p").get(0) as unknown as Record<string, () => unknown>;
    expect([el.id?.(), el.className?.(), el.textContent?.(), el.innerHTML?.()]).toEqual([
      "x",
      "a b",
      "Hi there",
      "Hi <b>there</b>",
    ]);
    expect(el.classList?.()).toEqual(["a", "b"]);
  });

  it('serializes forms by k6\'s rules (checked="checked" only, no disabled or buttons)', () => {
    const form = doc.find("form");
    expect(form.serializeObject()).toEqual({ q: "v", c1: "on", t: "txt", m: ["1", "two"] });
    expect(form.serialize()).toBe("c1=on&m=1&m=two&q=v&t=txt");
    expect(doc.find("input[name=go]").val()).toBe("Go");
  });
});
