/**
 * A small in-memory IndexedDB for the history's tests: one database per factory, object stores keyed
 * by `keyPath`, and the calls idb-store.ts makes (open with an upgrade, transactions that complete
 * once no request is pending, get/getAll/put/delete/clear). Values are structured-cloned like the
 * real thing. Not a general IndexedDB; no indexes are kept (createIndex is recorded only).
 */

type Handler = ((event: { oldVersion: number }) => void) | null;

class FakeRequest<T> {
  result: T | undefined;
  error: DOMException | null = null;
  onsuccess: Handler = null;
  onerror: Handler = null;
  onupgradeneeded: Handler = null;
  onblocked: Handler = null;
}

class FakeStore {
  constructor(
    private readonly rows: Map<string, unknown>,
    private readonly keyPath: string,
    private readonly tx: FakeTransaction,
  ) {}
  createIndex(): void {}
  get(key: string) {
    return this.tx.request(() => structuredClone(this.rows.get(key)));
  }
  getAll() {
    return this.tx.request(() => [...this.rows.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, value]) => structuredClone(value)));
  }
  put(value: Record<string, unknown>) {
    const key = value[this.keyPath];
    if (typeof key !== "string") throw new DOMException("no key", "DataError");
    const copy = structuredClone(value);
    return this.tx.request(() => {
      this.rows.set(key, copy);
      return key;
    });
  }
  delete(key: string) {
    return this.tx.request(() => void this.rows.delete(key));
  }
  clear() {
    return this.tx.request(() => this.rows.clear());
  }
}

class FakeTransaction {
  oncomplete: (() => void) | null = null;
  onerror: (() => void) | null = null;
  onabort: (() => void) | null = null;
  error: DOMException | null = null;
  private pending = 0;

  constructor(private readonly stores: Map<string, { rows: Map<string, unknown>; keyPath: string }>) {
    setTimeout(() => this.maybeComplete(), 0);
  }

  objectStore(name: string): FakeStore {
    const store = this.stores.get(name);
    if (store === undefined) throw new DOMException(`no store ${name}`, "NotFoundError");
    return new FakeStore(store.rows, store.keyPath, this);
  }

  request<T>(work: () => T): FakeRequest<T> {
    const req = new FakeRequest<T>();
    this.pending += 1;
    setTimeout(() => {
      req.result = work();
      this.pending -= 1;
      req.onsuccess?.({ oldVersion: 0 });
      // Requests made in the success callback (or its microtasks) keep the transaction open.
      setTimeout(() => this.maybeComplete(), 0);
    }, 0);
    return req;
  }

  private maybeComplete(): void {
    if (this.pending !== 0 || this.oncomplete === null) return;
    const done = this.oncomplete;
    this.oncomplete = null;
    done();
  }
}

/** A fresh in-memory `IDBFactory` (cast to the DOM type, which tests may do). */
export function memoryIndexedDB(): IDBFactory {
  const stores = new Map<string, { rows: Map<string, unknown>; keyPath: string }>();
  let version = 0;
  const db = {
    onversionchange: null,
    onclose: null,
    createObjectStore(name: string, options: { keyPath: string }) {
      const store = { rows: new Map<string, unknown>(), keyPath: options.keyPath };
      stores.set(name, store);
      return { createIndex() {} };
    },
    transaction: () => new FakeTransaction(stores),
    close() {},
  };
  const factory = {
    open(_name: string, wanted: number) {
      const req = new FakeRequest<typeof db>();
      setTimeout(() => {
        req.result = db;
        if (wanted > version) {
          const oldVersion = version;
          version = wanted;
          req.onupgradeneeded?.({ oldVersion });
        }
        req.onsuccess?.({ oldVersion: version });
      }, 0);
      return req;
    },
  };
  return factory as unknown as IDBFactory;
}
