/**
 * Deterministic seed data, generated inside the database (generate_series) so seeding 100k
 * products is one statement, not 100k round trips. Every value is a pure function of the row
 * number: both sides of a compare, and every run, see the same catalogue.
 */
export interface SeedSize {
  products: number;
}

const ADJECTIVES = [
  "Red",
  "Blue",
  "Green",
  "Silent",
  "Rapid",
  "Tiny",
  "Giant",
  "Smart",
  "Solar",
  "Quiet",
  "Amber",
  "Nordic",
  "Urban",
  "Vintage",
];
const NOUNS = [
  "Lamp",
  "Chair",
  "Kettle",
  "Drone",
  "Desk",
  "Clock",
  "Phone",
  "Bottle",
  "Jacket",
  "Speaker",
  "Camera",
  "Router",
  "Backpack",
  "Blender",
  "Monitor",
];
const CATEGORIES = 50;

function sqlArray(words: readonly string[]): string {
  return `ARRAY[${words.map((w) => `'${w}'`).join(",")}]`;
}

export function seedSql({ products }: SeedSize): string {
  const users = Math.max(100, Math.round(products / 10));
  const orders = Math.max(500, Math.round(products / 2));
  return `
INSERT INTO categories SELECT i, 'Category ' || i FROM generate_series(1, ${CATEGORIES}) i;
INSERT INTO products (id, sku, name, category_id, price_cents, stock, description, updated_at)
SELECT i, 'SKU-' || lpad(i::text, 7, '0'),
  (${sqlArray(ADJECTIVES)})[1 + (i * 7919) % ${ADJECTIVES.length}] || ' ' ||
  (${sqlArray(NOUNS)})[1 + (i * 104729) % ${NOUNS.length}] || ' ' || i,
  1 + (i * 31) % ${CATEGORIES}, 100 + (i * 7919) % 9900, (i * 37) % 200,
  'Model ' || to_hex(i * 2654435761 % 4294967296) || ', dependable for everyday use',
  timestamptz '2026-01-01' + (i % 300) * interval '1 day'
FROM generate_series(1::bigint, ${products}) i;
SELECT setval(pg_get_serial_sequence('products', 'id'), ${products});
INSERT INTO users SELECT i, 'user' || i || '@example.test', 'User ' || i
FROM generate_series(1, ${users}) i;
INSERT INTO orders SELECT i, 1 + (i * 7) % ${users}, timestamptz '2026-01-01' + (i % 300) * interval '1 day'
FROM generate_series(1, ${orders}) i;
INSERT INTO order_items
SELECT o, 1 + (o::bigint * 13 + k * 7919) % ${products}, 1 + (o + k) % 3, 100 + (o::bigint * k) % 9900
FROM generate_series(1, ${orders}) o, generate_series(1, 3) k
ON CONFLICT DO NOTHING;
`;
}
