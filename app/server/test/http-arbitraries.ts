import fc from "fast-check";

/**
 * fast-check generators of what a careless or hostile client sends the app: query strings,
 * path parameters, JSON bodies and headers, mixing well-formed values (which reach the
 * database and the worker pool) with NUL, lone surrogates, invalid UTF-8 escapes, huge numbers
 * and junk.
 */

/** Any UTF-16 code unit, lone surrogates and NUL included (fc's string units avoid them). */
const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));
const wildString = fc.string({ unit: codeUnit, maxLength: 24 });
const nastyString = fc.constantFrom(
  "",
  " ",
  "\0",
  "a\0b",
  "\ud800",
  "x\udfff",
  "%",
  "%00",
  "%FF",
  "..",
  "-1",
  "0",
  "1e3",
  "0x10",
  "99999999999999999999",
  "NaN",
  "null",
  "'; DROP TABLE products; --",
  "red drone",
  "<script>",
);
/** Ordinary text with a NUL or a lone surrogate put somewhere in it. */
const poisoned = fc
  .tuple(
    fc.constantFrom("red drone", "Lamp", "product-1", "lowStock", "12", "ab"),
    fc.constantFrom("\0", "\0", "\ud800", "\udfff"),
    fc.nat(),
  )
  .map(([base, poison, at]) => {
    const cut = at % (base.length + 1);
    return base.slice(0, cut) + poison + base.slice(cut);
  });
const text = fc.oneof(wildString, nastyString, poisoned, fc.string({ maxLength: 30 }));

/** Percent-encodes every byte of the UTF-8 form (a lone surrogate becomes U+FFFD's bytes). */
export function encodeAll(value: string): string {
  return [...Buffer.from(value, "utf8")]
    .map((byte) => `%${byte.toString(16).padStart(2, "0").toUpperCase()}`)
    .join("");
}

/** Safe characters as they are, everything else percent-encoded from its UTF-8 bytes. */
export function encodeComponent(value: string): string {
  return value.replace(/[^A-Za-z0-9_.~-]+/g, (run) => encodeAll(run));
}

/** A URL component: text encoded, or raw percent escapes of any bytes (invalid UTF-8 too). */
const component = fc.oneof(
  { weight: 4, arbitrary: text.map(encodeComponent) },
  {
    weight: 1,
    arbitrary: fc
      .array(fc.integer({ min: 0, max: 255 }), { maxLength: 6 })
      .map((bytes) => bytes.map((b) => `%${b.toString(16).padStart(2, "0")}`).join("")),
  },
);

/** Mostly a valid value (so the rest of the request gets past validation), sometimes anything. */
const mostly = <T>(valid: fc.Arbitrary<T>, ...wrong: fc.Arbitrary<unknown>[]) =>
  fc.oneof(
    { weight: 8, arbitrary: valid as fc.Arbitrary<unknown> },
    { weight: 1, arbitrary: fc.oneof(...wrong) },
  );

const number = fc.oneof(
  fc.integer({ min: -3, max: 600 }).map(String),
  fc.integer().map(String),
  fc.double().map(String),
);
const hostileValue = fc.oneof(
  number.map(encodeComponent),
  component,
  poisoned.map(encodeComponent),
);

/** Each query parameter the app reads: a valid value, or a hostile one. */
const QUERY_VALUES: Record<string, fc.Arbitrary<string>> = {
  limit: fc.integer({ min: 1, max: 100 }).map(String),
  offset: fc.integer({ min: 0, max: 6000 }).map(String),
  category: fc.integer({ min: 1, max: 50 }).map(String),
  size: fc.integer({ min: 16, max: 96 }).map(String),
  sort: fc.constantFrom("id", "price"),
  q: fc.oneof(fc.constantFrom("red drone", "lamp", "ab", "50% off"), fc.string({ minLength: 2 })),
  parts: fc
    .uniqueArray(fc.constantFrom("categories", "lowStock", "topProducts", "recentlyUpdated"), {
      minLength: 1,
    })
    .map((parts) => parts.join(",")),
};

export interface QueryParam {
  /** As sent (encoded). */
  rawName: string;
  rawValue: string;
  /** As the app decodes it, to check that a 400 names it. */
  name: string;
}

const param = (name: string, rawValue: string): QueryParam => ({
  rawName: encodeComponent(name),
  rawValue,
  name: new URLSearchParams(`${encodeComponent(name)}=`).keys().next().value ?? "",
});

/** Some of a route's parameters, mostly valid, sometimes one stray parameter of any name. */
function queryFor(names: readonly string[]): fc.Arbitrary<QueryParam[]> {
  const known = fc.subarray([...names]).chain((chosen) =>
    fc.tuple(
      ...chosen.map((name) =>
        // Hostile more often than body fields: a query has few parameters to get past.
        fc
          .oneof(
            {
              weight: 3,
              arbitrary: (QUERY_VALUES[name] as fc.Arbitrary<string>).map(encodeComponent),
            },
            { weight: 1, arbitrary: hostileValue },
          )
          .map((value) => param(name, value)),
      ),
    ),
  );
  const stray = fc.oneof(
    { weight: 4, arbitrary: fc.constant([]) },
    {
      weight: 1,
      arbitrary: fc.tuple(text, component).map(([name, value]) => [param(name, value)]),
    },
  );
  return fc.tuple(known, stray).map(([a, b]) => [...a, ...b]);
}

/** A path segment: mostly an id that may exist, sometimes anything (escapes of invalid UTF-8). */
const productId = mostly(
  fc.integer({ min: 1, max: 5000 }).map(String),
  fc.integer({ min: -2, max: 1e7 }).map(String),
  number.map(encodeComponent),
  component.filter((value) => value.length > 0),
);
const jobId = mostly(
  fc.uuid(),
  component.filter((value) => value.length > 0),
  productId,
);

export interface FuzzRequest {
  method: string;
  /** The route template, for the fields an error may name. */
  route: string;
  /** Path and query as sent. */
  path: string;
  query: QueryParam[];
}

function read(method: string, route: string, id: fc.Arbitrary<unknown>, names: string[] = []) {
  return fc.tuple(id, queryFor(names)).map(([segment, query]): FuzzRequest => {
    const search = query.map((p) => `${p.rawName}=${p.rawValue}`).join("&");
    const path = route.replace(":id", String(segment)) + (search ? `?${search}` : "");
    return { method, route, path, query };
  });
}

/** A read of any route, with its query and path parameters. */
export const readRequest: fc.Arbitrary<FuzzRequest> = fc.oneof(
  // Weighted to the routes whose query text reaches the database.
  {
    weight: 2,
    arbitrary: read("GET", "/api/products", fc.constant(""), [
      "limit",
      "offset",
      "category",
      "sort",
    ]),
  },
  {
    weight: 3,
    arbitrary: read("GET", "/api/search", fc.constant(""), ["q", "q", "limit", "offset"]),
  },
  read("GET", "/api/products/:id", productId),
  read("HEAD", "/api/products/:id", productId),
  read("GET", "/api/products/:id/thumbnail", productId, ["size"]),
  read("GET", "/api/dashboard", fc.constant(""), ["parts"]),
  read("GET", "/api/jobs/:id", jobId),
  read("GET", "/api/jobs/:id/events", jobId),
  read("DELETE", "/api/jobs/:id", jobId),
  read("GET", "/api/vitals/summary", fc.constant("")),
  read("GET", "/healthz", fc.constant("")),
);

const jsonText = fc.oneof(text, poisoned, fc.string({ maxLength: 40 }));

/**
 * An object whose fields are mostly valid, now and then one dropped or a key of any text
 * (NUL, lone surrogates) added.
 */
function shaped(fields: Record<string, fc.Arbitrary<unknown>>) {
  const dropped = fc.oneof(
    { weight: 6, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: fc.constantFrom(...Object.keys(fields)) },
  );
  const stray = fc.oneof(
    { weight: 6, arbitrary: fc.constant({}) },
    { weight: 1, arbitrary: fc.dictionary(text, jsonText, { minKeys: 1, maxKeys: 1 }) },
  );
  return fc.tuple(fc.record(fields), dropped, stray).map(([value, drop, extra]) => {
    const object: Record<string, unknown> = { ...extra, ...value };
    if (drop !== undefined) delete object[drop];
    return object;
  });
}

const wrongText = fc.oneof(poisoned, jsonText);
const productFields = {
  name: mostly(fc.constantFrom("Lamp", "Red Drone"), wrongText, fc.string({ maxLength: 250 })),
  priceCents: mostly(fc.integer({ min: 0, max: 100_000 }), fc.integer(), wrongText),
  stock: mostly(fc.integer({ min: 0, max: 100 }), fc.integer(), fc.constant(null)),
  description: mostly(fc.constant("ok"), wrongText, fc.array(jsonText, { maxLength: 2 })),
};
const newProduct = shaped({
  sku: mostly(fc.stringMatching(/^FZ-[A-Z0-9]{4,12}$/), wrongText),
  categoryId: mostly(fc.integer({ min: 1, max: 50 }), fc.integer(), fc.double(), wrongText),
  ...productFields,
});
const productPatch = fc
  .tuple(shaped(productFields), fc.subarray(Object.keys(productFields)))
  .map(([patch, keep]) =>
    Object.fromEntries(
      Object.entries(patch).filter(([key]) => !(key in productFields) || keep.includes(key)),
    ),
  );
const size = mostly(fc.integer({ min: 16, max: 48 }), fc.integer(), fc.double(), wrongText);
const jobRange = shaped({
  kind: mostly(fc.constant("thumbnails"), wrongText),
  from: mostly(fc.integer({ min: 1, max: 5000 }), fc.integer(), wrongText),
  count: mostly(fc.integer({ min: 1, max: 12 }), fc.integer(), wrongText),
  size,
});
const jobIds = shaped({
  kind: mostly(fc.constant("thumbnails"), wrongText),
  ids: mostly(fc.array(fc.integer({ min: 1, max: 100 }), { maxLength: 5 }), wrongText),
  size,
});
const purge = shaped({
  keys: mostly(
    fc.array(fc.constantFrom("product-1", "category-2", "products"), {
      minLength: 1,
      maxLength: 3,
    }),
    fc.array(fc.oneof(fc.constant("product-1"), wrongText), { maxLength: 3 }),
    wrongText,
  ),
});
const beacon = shaped({
  name: mostly(fc.constantFrom("LCP", "CLS", "INP"), wrongText),
  value: mostly(fc.double({ min: 0, max: 1e6, noNaN: true }), fc.double(), wrongText),
});

/** JSON of a shape as bytes, or, now and then, broken JSON or bytes that are not UTF-8. */
function bytesOf(shape: fc.Arbitrary<unknown>): fc.Arbitrary<Uint8Array> {
  return fc.oneof(
    { weight: 8, arbitrary: shape.map((value) => Buffer.from(JSON.stringify(value) ?? "null")) },
    {
      weight: 1,
      arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => Buffer.from(JSON.stringify(v) ?? "null")),
    },
    {
      weight: 1,
      arbitrary: fc.oneof(
        fc.constantFrom("{", "[".repeat(5000), '{"a":1}x', "", "\u0000").map((t) => Buffer.from(t)),
        fc.uint8Array({ maxLength: 40 }),
      ),
    },
  );
}

export interface FuzzWrite extends FuzzRequest {
  body: Uint8Array;
}

function write(
  method: string,
  route: string,
  id: fc.Arbitrary<unknown>,
  shape: fc.Arbitrary<unknown>,
) {
  return fc.tuple(id, bytesOf(shape)).map(
    ([segment, body]): FuzzWrite => ({
      method,
      route,
      path: route.replace(":id", String(segment)),
      query: [],
      body,
    }),
  );
}

/** A write of any route with a body mostly of its own shape. */
export const writeRequest: fc.Arbitrary<FuzzWrite> = fc.oneof(
  write("POST", "/api/products", fc.constant(""), newProduct),
  write("PATCH", "/api/products/:id", productId, productPatch),
  write("POST", "/api/jobs", fc.constant(""), fc.oneof(jobRange, jobIds)),
  write("POST", "/api/purge", fc.constant(""), purge),
  write("POST", "/api/vitals", fc.constant(""), beacon),
);

/** Header values a client library will send: visible ASCII, space and tab. */
const headerValue = fc.string({
  unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
  maxLength: 40,
});
const token = fc.stringMatching(/^x-[a-z0-9-]{1,12}$/);

/** Request headers the app reads (conditional GET, encodings, body type), with junk values. */
const knownHeaders = fc.record(
  {
    "accept-encoding": fc.oneof(
      fc.constantFrom("br", "gzip;q=0, br;q=0.5", "*", "br;q=x"),
      headerValue,
    ),
    "if-none-match": fc.oneof(fc.constantFrom("*", 'W/"abc"', '""'), headerValue),
    "if-modified-since": fc.oneof(
      fc.date({ noInvalidDate: true }).map((d) => d.toUTCString()),
      headerValue,
    ),
    "content-type": fc.oneof(
      {
        weight: 12,
        arbitrary: fc.constantFrom("application/json", "application/json; charset=utf-8"),
      },
      { weight: 1, arbitrary: fc.constantFrom("text/plain", "application/jsonx", "") },
      { weight: 1, arbitrary: headerValue },
    ),
    cookie: headerValue,
    range: headerValue,
  },
  { requiredKeys: ["content-type"] },
);
export const headers: fc.Arbitrary<Record<string, string>> = fc
  .tuple(knownHeaders, fc.dictionary(token, headerValue, { maxKeys: 2 }))
  .map(([known, extra]) => ({ ...extra, ...known }));

/** A request target for a raw socket: printable ASCII (and some Latin-1), no spaces. */
export const requestTarget = fc.oneof(
  fc.constantFrom("http://", "http://[", "https://:0", "*", "//", "/api/../healthz", "http://x"),
  fc
    .tuple(
      fc.constantFrom("", "/", "/api/", "http://", "https://h/", "//"),
      fc.string({
        unit: fc
          .oneof(fc.integer({ min: 0x21, max: 0x7e }), fc.integer({ min: 0xa0, max: 0xff }))
          .map((c) => String.fromCharCode(c)),
        maxLength: 30,
      }),
    )
    .map(([prefix, rest]) => prefix + rest)
    .filter((target) => target.length > 0),
);
