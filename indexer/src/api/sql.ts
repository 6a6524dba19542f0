// Ponder writes a batch of more than 20 updates to one table through a session TEMP table of the same
// name (ponder/src/indexing-store/cache.ts: CREATE TEMP TABLE IF NOT EXISTS "product" ..., COPY, UPDATE,
// TRUNCATE; never dropped). Postgres searches a session's temp schema before its search path, and under
// PGlite the indexer and this API share one session, so from the first such batch on an unqualified
// `product` in /sql reads that empty temp table. Ponder refuses schema-qualified names in /sql, so each
// query runs instead in its own read-only transaction whose search path lists pg_temp last.
// The transaction is PGlite's own (drizzle's session.transaction): Ponder replaces db.transaction under
// PGlite with a plain call, and the indexer's statements, outside any transaction, wait for ours to end.
// Under Postgres Ponder runs /sql on its own read-only pool, whose sessions hold no temp tables, and
// never calls this session.

type Query = { sql: string; params: unknown[] };
type Prepared = { execute(): Promise<unknown> };
type Session = {
  prepareQuery(query: Query, fields: unknown, name: unknown, arrayMode: boolean, mapper?: unknown): Prepared;
  transaction<R>(run: (tx: Drizzle) => Promise<R>, config: { accessMode: "read only" }): Promise<R>;
};
type Drizzle = { _: { session: Session }; execute(sql: string): Promise<unknown> };

const TEMP_LAST = "SELECT set_config('search_path', current_setting('search_path') || ', pg_temp', true)";

/** `db` for Ponder's client() middleware, its queries reading the app's tables, never a temp table. */
export function tablesBeforeTempTables<T extends object>(db: T): T {
  const original = (db as unknown as Drizzle)._;
  const session: Session = Object.create(original.session); // the dialect and the rest stay the original's
  session.prepareQuery = (query, fields, name, arrayMode, mapper) => ({
    execute: () =>
      original.session.transaction(
        async (tx) => {
          await tx.execute(TEMP_LAST);
          return tx._.session.prepareQuery(query, fields, name, arrayMode, mapper).execute();
        },
        { accessMode: "read only" },
      ),
  });
  const internals = { ...original, session };
  return new Proxy(db, { get: (target, key) => (key === "_" ? internals : Reflect.get(target, key)) });
}
