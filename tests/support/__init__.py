"""Modules the tests share: fixtures' types, fake servers and proxies, chains, the reliability tally."""
