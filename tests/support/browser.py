"""How the page's tests and its benchmark launch Debian's Chromium (pip's Playwright drives it)."""

CHROMIUM = "/usr/bin/chromium"
# Without the network-quieting flags, the closed network floods Chromium with refused connections.
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # Grayscale text anti-aliasing everywhere: LCD anti-aliasing depends on whether a layer is composited
    # at that moment, which made committed screenshots differ by ~200 text pixels from run to run (what
    # still differs: a few pixels of the cards' soft shadow, by one level).
    "--disable-lcd-text",
]
