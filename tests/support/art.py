"""Product pictures for the page tests and screenshots: small PNGs drawn here (no image library), a flat
merch silhouette on a soft background, each (kind, hue) pair unlike the others. Edges are anti-aliased
(pixels on an edge are supersampled) so the product page, which shows them ~2x, has no jagged outlines."""

from __future__ import annotations

import bisect
import colorsys
import functools
import math
import struct
import zlib

SIZE = 320
EDGE_SAMPLES = 3  # per axis, for pixels on an edge

# Silhouettes as polygons in a 0..1 square.
SHAPES: dict[str, list[tuple[float, float]]] = {
    "tshirt": [
        (0.30, 0.18),
        (0.42, 0.14),
        (0.5, 0.2),
        (0.58, 0.14),
        (0.70, 0.18),
        (0.88, 0.34),
        (0.78, 0.44),
        (0.70, 0.38),
        (0.70, 0.86),
        (0.30, 0.86),
        (0.30, 0.38),
        (0.22, 0.44),
        (0.12, 0.34),
    ],
    "hoodie": [
        (0.36, 0.16),
        (0.5, 0.10),
        (0.64, 0.16),
        (0.74, 0.22),
        (0.90, 0.62),
        (0.80, 0.66),
        (0.72, 0.42),
        (0.72, 0.88),
        (0.28, 0.88),
        (0.28, 0.42),
        (0.20, 0.66),
        (0.10, 0.62),
        (0.26, 0.22),
    ],
    "mug": [
        (0.22, 0.26),
        (0.66, 0.26),
        (0.66, 0.33),
        (0.76, 0.33),
        (0.82, 0.36),
        (0.85, 0.42),
        (0.85, 0.56),
        (0.82, 0.62),
        (0.76, 0.65),
        (0.66, 0.65),
        (0.66, 0.76),
        (0.63, 0.80),
        (0.25, 0.80),
        (0.22, 0.76),
    ],
    "tote": [
        (0.24, 0.40),
        (0.36, 0.40),
        (0.36, 0.22),
        (0.40, 0.16),
        (0.60, 0.16),
        (0.64, 0.22),
        (0.64, 0.40),
        (0.76, 0.40),
        (0.80, 0.86),
        (0.20, 0.86),
    ],
    "poster": [(0.24, 0.14), (0.76, 0.14), (0.76, 0.86), (0.24, 0.86)],
    "cap": [
        (0.18, 0.60),
        (0.22, 0.40),
        (0.36, 0.28),
        (0.5, 0.25),
        (0.64, 0.28),
        (0.76, 0.40),
        (0.80, 0.56),
        (0.94, 0.62),
        (0.92, 0.68),
        (0.18, 0.68),
    ],
}


# Where the round logo sits, where the body's middle is not the picture's.
LOGO_CENTRE = {"mug": (0.44, 0.5), "tote": (0.5, 0.62)}

# Holes cut out of a silhouette (the mug's handle, the tote's strap).
HOLES: dict[str, list[list[tuple[float, float]]]] = {
    "mug": [[(0.66, 0.40), (0.745, 0.40), (0.775, 0.43), (0.775, 0.55), (0.745, 0.58), (0.66, 0.58)]],
    "tote": [[(0.41, 0.40), (0.41, 0.24), (0.44, 0.21), (0.56, 0.21), (0.59, 0.24), (0.59, 0.40)]],
}


def _crossings(poly: list[tuple[float, float]], y: float) -> list[float]:
    """Where the horizontal line at `y` crosses the polygon's edges, sorted: a point is inside when an odd
    number of crossings lie left of it (even-odd rule, one pass per row instead of one per pixel)."""
    xs = []
    j = len(poly) - 1
    for i, (xi, yi) in enumerate(poly):
        xj, yj = poly[j]
        if (yi > y) != (yj > y):
            xs.append((xj - xi) * (y - yi) / (yj - yi) + xi)
        j = i
    return sorted(xs)


def _rgb(h: float, s: float, v: float) -> tuple[float, float, float]:
    r, g, b = colorsys.hsv_to_rgb(h % 1.0, s, v)
    return (r * 255, g * 255, b * 255)


@functools.cache
def product_png(kind: str, hue: float, mark: int = 0) -> bytes:
    """A SIZE x SIZE PNG: background tint, the silhouette in the product colour with a shaded edge, a small
    round logo. Cached: tests list the same pictures again and again."""
    poly, holes = SHAPES[kind], HOLES.get(kind, [])
    bg_top, bg_bottom = _rgb(hue + 0.5, 0.06, 0.98), _rgb(hue + 0.5, 0.10, 0.90)
    body, shade, logo = _rgb(hue, 0.55, 0.78), _rgb(hue, 0.60, 0.62), _rgb(hue + 0.45, 0.35, 0.97)
    cx, cy = LOGO_CENTRE.get(kind, (0.5, 0.5))
    cy, radius = cy + (mark % 3) * 0.02, 0.07 + (mark % 4) * 0.01

    rows_seen: dict[float, list[list[float]]] = {}

    def in_shape(x: float, y: float) -> bool:
        lines = rows_seen.get(y)
        if lines is None:
            lines = rows_seen[y] = [_crossings(shape, y) for shape in (poly, *holes)]
        outline, *cut = lines
        return bisect.bisect(outline, x) % 2 == 1 and not any(bisect.bisect(h, x) % 2 for h in cut)

    def colour(x: float, y: float) -> tuple[float, float, float]:
        if not in_shape(x, y):
            return tuple(a + (b - a) * y for a, b in zip(bg_top, bg_bottom, strict=True))  # type: ignore[return-value]
        if (x - cx) ** 2 + (y - cy) ** 2 < radius**2:
            return logo
        return body if in_shape(x + 0.012, y - 0.012) else shade

    def mask(y: float, shift: float = 0.0) -> list[bool]:
        """Which pixel centres of a row lie in the shape (moved left by `shift`), a span at a time."""
        row = [False] * SIZE
        for outline, is_hole in [(poly, False)] + [(hole, True) for hole in holes]:
            xs = _crossings(outline, y)
            for a, b in zip(xs[::2], xs[1::2], strict=True):
                lo = max(0, math.ceil((a - shift) * SIZE - 0.5))
                hi = min(SIZE, math.ceil((b - shift) * SIZE - 0.5))
                if hi > lo:
                    row[lo:hi] = [not is_hole] * (hi - lo)
        return row

    kinds = []  # 0 background, 1 logo, 2 body, 3 shaded edge
    for py in range(SIZE):
        y = (py + 0.5) / SIZE
        inside, lit = mask(y), mask(y - 0.012, 0.012)
        dy = (y - cy) ** 2
        half = math.sqrt(radius**2 - dy) if dy < radius**2 else -1.0
        row = []
        for px in range(SIZE):
            if not inside[px]:
                row.append(0)
            elif half > 0 and abs((px + 0.5) / SIZE - cx) < half:
                row.append(1)
            else:
                row.append(2 if lit[px] else 3)
        kinds.append(row)

    step = 1 / (SIZE * EDGE_SAMPLES)
    rows = []
    for py in range(SIZE):
        y = (py + 0.5) / SIZE
        flat = [bytes(round(v) for v in c) for c in (colour(-1.0, y), logo, body, shade)]
        here_row, row = kinds[py], bytearray(b"\x00")
        above, below = kinds[max(py - 1, 0)], kinds[min(py + 1, SIZE - 1)]
        for px in range(SIZE):
            here = here_row[px]
            if (
                above[px] == here
                and below[px] == here
                and here_row[max(px - 1, 0)] == here
                and here_row[min(px + 1, SIZE - 1)] == here
            ):
                row += flat[here]
                continue
            samples = [
                colour(px / SIZE + (i + 0.5) * step, py / SIZE + (j + 0.5) * step)
                for i in range(EDGE_SAMPLES)
                for j in range(EDGE_SAMPLES)
            ]
            row += bytes(min(255, round(sum(c[k] for c in samples) / len(samples))) for k in range(3))
        rows.append(bytes(row))
    raw = zlib.compress(b"".join(rows), 9)

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))

    header = struct.pack(">IIBBBBB", SIZE, SIZE, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")
