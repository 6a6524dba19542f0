// GraphQL at /graphql and SQL over HTTP at /sql (@ponder/client; tables by their unqualified names:
// product, "order", review, balance, seller), both read-only; /catalog says which
// deployment this indexer follows, so a client can refuse an indexer of another chain or Catalog.
import { Hono } from "hono";
import { client, graphql } from "ponder";
import { db } from "ponder:api";
import schema from "ponder:schema";
import { settings } from "../../ponder.config";
import { tablesBeforeTempTables } from "./sql";

const app = new Hono();

app.get("/catalog", (c) =>
  c.json({
    indexer: "ownerless-store/catalog@1",
    chainId: settings.chainId,
    address: settings.address,
    startBlock: settings.startBlock,
    schema: process.env.DATABASE_SCHEMA,
  }),
);
app.use("/sql/*", client({ db: tablesBeforeTempTables(db), schema }));
app.use("/graphql", graphql({ db, schema }));

export default app;
