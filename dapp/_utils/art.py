"""Product pictures for the demo shop, drawn as SVG by code: each sample product gets its own drawing
(shape and colours), so the page and the metadata documents show real, distinct images."""

from __future__ import annotations

from collections.abc import Callable

SIZE = 480


def _svg(background: str, body: str, caption: str) -> bytes:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{SIZE}" height="{SIZE}" viewBox="0 0 {SIZE} {SIZE}">'
        f'<rect width="{SIZE}" height="{SIZE}" fill="{background}"/>{body}'
        f'<text x="240" y="456" font-family="sans-serif" font-size="22" text-anchor="middle" fill="#333">'
        f"{caption}</text></svg>\n"
    ).encode()


def tshirt(color: str, accent: str) -> str:
    return (
        f'<path d="M150 80 L200 60 Q240 95 280 60 L330 80 L400 150 L355 195 L330 175 L330 400 L150 400 '
        f'L150 175 L125 195 L80 150 Z" fill="{color}" stroke="#111" stroke-width="4"/>'
        f'<text x="240" y="200" font-family="monospace" font-size="26" text-anchor="middle" fill="{accent}">'
        f"TOUR 2026</text>"
        + "".join(
            f'<rect x="200" y="{230 + 22 * i}" width="80" height="8" fill="{accent}" opacity="0.8"/>' for i in range(5)
        )
    )


def pins(*colors: str) -> str:
    moon, wave, tape = colors
    return (
        f'<circle cx="130" cy="200" r="70" fill="{moon}" stroke="#222" stroke-width="6"/>'
        f'<circle cx="155" cy="180" r="55" fill="#f4efe6"/>'
        f'<circle cx="350" cy="200" r="70" fill="#f4efe6" stroke="#222" stroke-width="6"/>'
        f'<path d="M290 215 Q320 170 350 215 T410 215" fill="none" stroke="{wave}" stroke-width="12"/>'
        f'<rect x="170" y="290" width="140" height="90" rx="12" fill="{tape}" stroke="#222" stroke-width="6"/>'
        f'<circle cx="215" cy="335" r="16" fill="#f4efe6"/><circle cx="265" cy="335" r="16" fill="#f4efe6"/>'
    )


def vinyl(label: str) -> str:
    grooves = "".join(
        f'<circle cx="240" cy="215" r="{r}" fill="none" stroke="#333" stroke-width="2"/>' for r in range(90, 180, 14)
    )
    return (
        f'<circle cx="240" cy="215" r="185" fill="#111"/>{grooves}'
        f'<circle cx="240" cy="215" r="70" fill="{label}"/><circle cx="240" cy="215" r="8" fill="#f4efe6"/>'
        f'<path d="M300 150 Q330 110 370 120" stroke="#fff" stroke-width="5" fill="none" opacity="0.5"/>'
    )


def poster(first: str, second: str) -> str:
    return (
        '<rect x="110" y="40" width="260" height="370" fill="#fbf7ee" stroke="#222" stroke-width="4"/>'
        f'<circle cx="240" cy="170" r="90" fill="{first}" opacity="0.85"/>'
        f'<rect x="150" y="190" width="180" height="120" fill="{second}" opacity="0.75"/>'
        f'<text x="240" y="380" font-family="serif" font-size="24" text-anchor="middle" fill="{second}">No. 1/40</text>'
    )


def tote(color: str, logo: str) -> str:
    return (
        f'<path d="M180 150 Q180 70 240 70 Q300 70 300 150" fill="none" stroke="{color}" stroke-width="14"/>'
        f'<path d="M120 150 L360 150 L380 410 L100 410 Z" fill="{color}" stroke="#6b5b3e" stroke-width="4"/>'
        f'<polygon points="240,220 280,300 200,300" fill="{logo}"/>'
        f'<circle cx="240" cy="340" r="22" fill="none" stroke="{logo}" stroke-width="8"/>'
    )


def hoodie(color: str, accent: str) -> str:
    return (
        f'<path d="M170 110 Q240 20 310 110 L400 170 L370 330 L335 320 L335 410 L145 410 L145 320 L110 330 '
        f'L80 170 Z" fill="{color}" stroke="#222" stroke-width="4"/>'
        f'<path d="M200 110 Q240 170 280 110" fill="none" stroke="{accent}" stroke-width="6"/>'
        f'<rect x="185" y="300" width="110" height="55" rx="10" fill="none" stroke="{accent}" stroke-width="5"/>'
        f'<line x1="225" y1="140" x2="220" y2="200" stroke="{accent}" stroke-width="4"/>'
        f'<line x1="255" y1="140" x2="260" y2="200" stroke="{accent}" stroke-width="4"/>'
    )


DRAWINGS: dict[str, Callable[[], tuple[str, str, str]]] = {
    "tshirt": lambda: ("#e8eef5", tshirt("#1d1d1f", "#f2c14e"), "Tour T-shirt"),
    "pins": lambda: ("#fdf0d5", pins("#f2c14e", "#2a7fbd", "#d1495b"), "Enamel pins"),
    "vinyl": lambda: ("#c9d6df", vinyl("#d1495b"), "Signed LP"),
    "poster": lambda: ("#eae2b7", poster("#fcbf49", "#0081a7"), "Riso poster"),
    "tote": lambda: ("#d8e2dc", tote("#e9dcc3", "#3d405b"), "Canvas tote"),
    "hoodie": lambda: ("#f1e3f3", hoodie("#8d99ae", "#edf2f4"), "Hoodie"),
}


def draw(kind: str) -> bytes:
    """The SVG picture of one sample product."""
    background, body, caption = DRAWINGS[kind]()
    return _svg(background, body, caption)
