"""Product pictures for the page tests and screenshots: small PNGs drawn here (no image library), a flat
merch silhouette on a soft background, each (kind, hue) pair unlike the others."""

from __future__ import annotations

import colorsys
import struct
import zlib

SIZE = 240

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
        (0.66, 0.36),
        (0.80, 0.36),
        (0.84, 0.44),
        (0.84, 0.58),
        (0.78, 0.64),
        (0.66, 0.64),
        (0.66, 0.80),
        (0.22, 0.80),
    ],
    "tote": [
        (0.26, 0.36),
        (0.36, 0.36),
        (0.38, 0.18),
        (0.62, 0.18),
        (0.64, 0.36),
        (0.74, 0.36),
        (0.78, 0.86),
        (0.22, 0.86),
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


def _inside(x: float, y: float, poly: list[tuple[float, float]]) -> bool:
    inside = False
    j = len(poly) - 1
    for i, (xi, yi) in enumerate(poly):
        xj, yj = poly[j]
        if (yi > y) != (yj > y) and x < (xj - xi) * (y - yi) / (yj - yi) + xi:
            inside = not inside
        j = i
    return inside


def _rgb(h: float, s: float, v: float) -> bytes:
    r, g, b = colorsys.hsv_to_rgb(h % 1.0, s, v)
    return bytes((round(r * 255), round(g * 255), round(b * 255)))


def product_png(kind: str, hue: float, mark: int = 0) -> bytes:
    """A SIZE x SIZE PNG: background tint, the silhouette in the product colour, a small round logo."""
    poly = SHAPES[kind]
    bg_top, bg_bottom = _rgb(hue + 0.5, 0.06, 0.98), _rgb(hue + 0.5, 0.10, 0.90)
    body, shade, logo = _rgb(hue, 0.55, 0.78), _rgb(hue, 0.60, 0.62), _rgb(hue + 0.45, 0.35, 0.97)
    cx, cy, radius = 0.5, 0.50 + (mark % 3) * 0.02, 0.07 + (mark % 4) * 0.01
    rows = []
    for py in range(SIZE):
        y = (py + 0.5) / SIZE
        row = bytearray(b"\x00")
        background = bytes(round(a + (b - a) * y) for a, b in zip(bg_top, bg_bottom, strict=True))
        for px in range(SIZE):
            x = (px + 0.5) / SIZE
            if _inside(x, y, poly):
                if (x - cx) ** 2 + (y - cy) ** 2 < radius**2:
                    row += logo
                else:
                    row += shade if _inside(x + 0.015, y - 0.015, poly) is False else body
            else:
                row += background
        rows.append(bytes(row))
    raw = zlib.compress(b"".join(rows), 9)

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))

    header = struct.pack(">IIBBBBB", SIZE, SIZE, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")
