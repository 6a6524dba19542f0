"""Private helpers: not part of the public API, free to change."""
