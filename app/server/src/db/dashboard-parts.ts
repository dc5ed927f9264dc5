import { countedQuery, type Database } from "./database.ts";

/**
 * The dashboard's independent sub-queries. The aggregate route runs them with bounded
 * concurrency and reports each part's outcome on its own, so one slow or failing part never
 * takes the page down.
 */
export const DASHBOARD_PARTS = {
  categories: (db: Database) =>
    countedQuery(
      db,
      "dashboard:categories",
      `SELECT c.id, c.name, count(p.id)::int AS products, avg(p.price_cents)::int AS "avgPriceCents"
       FROM categories c LEFT JOIN products p ON p.category_id = c.id GROUP BY c.id ORDER BY c.id`,
    ),
  revenueByMonth: (db: Database) =>
    countedQuery(
      db,
      "dashboard:revenueByMonth",
      `SELECT to_char(date_trunc('month', o.created_at), 'YYYY-MM') AS month,
         sum(i.qty * i.price_cents)::bigint::text AS "revenueCents"
       FROM orders o JOIN order_items i ON i.order_id = o.id GROUP BY 1 ORDER BY 1`,
    ),
  topProducts: (db: Database) =>
    countedQuery(
      db,
      "dashboard:topProducts",
      `SELECT p.id, p.name, sum(i.qty)::int AS units
       FROM order_items i JOIN products p ON p.id = i.product_id
       GROUP BY p.id ORDER BY units DESC, p.id LIMIT 10`,
    ),
  lowStock: (db: Database) =>
    countedQuery(
      db,
      "dashboard:lowStock",
      "SELECT id, name, stock FROM products WHERE stock < 3 ORDER BY stock, id LIMIT 10",
    ),
  recentlyUpdated: (db: Database) =>
    countedQuery(
      db,
      "dashboard:recentlyUpdated",
      "SELECT id, name FROM products ORDER BY updated_at DESC, id LIMIT 10",
    ),
  topCustomers: (db: Database) =>
    countedQuery(
      db,
      "dashboard:topCustomers",
      `SELECT u.id, u.name, count(o.id)::int AS orders
       FROM users u JOIN orders o ON o.user_id = u.id GROUP BY u.id ORDER BY orders DESC, u.id LIMIT 10`,
    ),
} as const;

export type DashboardPart = keyof typeof DASHBOARD_PARTS;
