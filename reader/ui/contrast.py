"""Readable colours for every theme: WCAG contrast, and the theme variables reader adds.

Highlights, search matches and the list cursor mix theme colours (a tint of $warning, $accent
on $surface): in many themes the mix is too faint to read. Each colour is checked against what
it is drawn on and, if needed, moved towards black or white until it reaches WCAG AA.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from textual.color import Color, ColorParseError

AA = 4.5
"""The WCAG AA minimum contrast for body text."""
HIGHLIGHT_TINT = 0.35
"""How much of $warning tints a highlighted paragraph (its text is made readable on it)."""
STEPS = 20

RGB = tuple[int, int, int]
WHITE, BLACK = Color(255, 255, 255), Color(0, 0, 0)

ANSI_VARIABLES = {
    # Terminal colours are the terminal's to choose: pairs that read on any usual palette.
    "reader-highlight": "ansi_yellow",
    "reader-highlight-text": "ansi_black",
    "reader-match": "ansi_default",
    "reader-match-current": "ansi_blue",
    "reader-match-current-text": "ansi_bright_white",
    "reader-cursor": "ansi_blue",
    "reader-cursor-text": "ansi_bright_white",
    "reader-cursor-blurred": "ansi_white",
    "reader-cursor-blurred-text": "ansi_black",
}

FALLBACK = {
    # A theme whose colours cannot be read as colours keeps Textual's own pairs.
    "reader-highlight": "warning-muted",
    "reader-highlight-text": "foreground",
    "reader-match": "text-accent",
    "reader-match-current": "accent",
    "reader-match-current-text": "foreground",
    "reader-cursor": "block-cursor-background",
    "reader-cursor-text": "block-cursor-foreground",
    "reader-cursor-blurred": "block-cursor-blurred-background",
    "reader-cursor-blurred-text": "block-cursor-blurred-foreground",
}


def _linear(channel: int) -> float:
    """An sRGB channel (0-255) in linear light."""
    value = channel / 255
    return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4


def luminance(rgb: RGB) -> float:
    """The relative luminance of a colour, 0 (black) to 1 (white)."""
    red, green, blue = (_linear(channel) for channel in rgb)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(first: RGB, second: RGB) -> float:
    """How far apart two colours are in luminance, from 1 (the same) to 21 (black on white)."""
    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def _ratio(colour: Color, backgrounds: Sequence[Color]) -> float:
    return min(contrast_ratio(colour.rgb, back.rgb) for back in backgrounds)


def readable(colour: Color, backgrounds: Sequence[Color], minimum: float = AA) -> Color:
    """`colour`, or the nearest colour towards black or white that reads on every background."""
    if _ratio(colour, backgrounds) >= minimum:
        return colour
    for step in range(1, STEPS + 1):
        for end in (WHITE, BLACK):
            moved = colour.blend(end, step / STEPS)
            if _ratio(moved, backgrounds) >= minimum:
                return moved
    return max((WHITE, BLACK), key=lambda end: _ratio(end, backgrounds))


def _opaque(value: str, under: Color) -> Color:
    """A theme colour (maybe translucent) as drawn over `under`."""
    return under + Color.parse(value)


def readable_variables(theme: Mapping[str, str]) -> dict[str, str]:
    """reader's own CSS variables for a theme's resolved variables (`App.get_css_variables`)."""
    if theme["background"].startswith("ansi_"):
        return dict(ANSI_VARIABLES)
    try:
        return _checked(theme)
    except (ColorParseError, KeyError):
        return {name: theme.get(source, "") for name, source in FALLBACK.items()}


def _checked(theme: Mapping[str, str]) -> dict[str, str]:
    """The readable colours of a theme given in RGB."""
    background = Color.parse(theme["background"])
    surface = _opaque(theme["surface"], background)
    text = _opaque(theme["foreground"], background)
    warning = _opaque(theme["warning"], background)
    tint = background.blend(warning, HIGHLIGHT_TINT)
    current = _opaque(theme["accent"], background)
    cursor = _opaque(theme["block-cursor-background"], surface)
    blurred = _opaque(theme["block-cursor-blurred-background"], surface)
    colours = {
        "reader-highlight": tint,
        "reader-highlight-text": readable(text, [tint]),
        "reader-match": readable(
            _opaque(theme["text-accent"], background), [background, surface, tint]
        ),
        "reader-match-current": current,
        "reader-match-current-text": readable(text, [current]),
        "reader-cursor": cursor,
        "reader-cursor-text": readable(text, [cursor]),
        "reader-cursor-blurred": blurred,
        "reader-cursor-blurred-text": readable(text, [blurred]),
    }
    return {name: colour.hex for name, colour in colours.items()}
