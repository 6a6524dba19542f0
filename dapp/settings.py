"""Environment variables the package reads, read here.

The library takes explicit values (`CatalogClient(indexer=URL)`); the CLI reads the environment through
this module for the defaults of its options.

    DAPP_INDEXER_URL   our Ponder indexer of the registered Catalog (`--indexer`); unset: scan the logs
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from dapp._utils.validate import check_http_url

INDEXER_URL = "DAPP_INDEXER_URL"


def indexer_url(environ: Mapping[str, str] | None = None) -> str | None:
    """$DAPP_INDEXER_URL (default: this process's environment, read now); None when unset or empty.
    A value that is no http(s) URL is a ConfigError naming the variable."""
    env = os.environ if environ is None else environ
    raw = (env.get(INDEXER_URL) or "").strip()
    return check_http_url(INDEXER_URL, raw) if raw else None
