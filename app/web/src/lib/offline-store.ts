/**
 * API responses kept in IndexedDB, so reads still work offline even when the service worker's
 * cache was evicted. One object store, key = URL, value = the parsed JSON.
 */
const DB = "perfgate";
const STORE = "api";

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function withStore<T>(
  mode: IDBTransactionMode,
  run: (store: IDBObjectStore) => IDBRequest<T>,
): Promise<T> {
  const db = await open();
  try {
    return await new Promise<T>((resolve, reject) => {
      const request = run(db.transaction(STORE, mode).objectStore(STORE));
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  } finally {
    db.close();
  }
}

/** Network first; on failure, the last stored copy. */
export async function fetchJsonOffline<T>(url: string): Promise<T> {
  try {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`GET ${url}: ${response.status}`);
    const data = (await response.json()) as T;
    await withStore("readwrite", (store) => store.put(data, url)).catch(() => undefined);
    return data;
  } catch (error) {
    const stored = await withStore<T | undefined>(
      "readonly",
      (store) => store.get(url) as IDBRequest<T | undefined>,
    ).catch(() => undefined);
    if (stored !== undefined) return stored;
    throw error;
  }
}
