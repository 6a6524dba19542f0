"""The Ponder indexer: run it (process), read it (reader). See indexer/ for the Ponder app itself."""
