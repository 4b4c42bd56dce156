"""What the page shows of an image, and of text people typed.

The mini model draws 64 × 64 pixels: shown as they are, two images to compare look the same. The page
shows a copy enlarged by a whole factor with nearest-neighbour resampling (Pillow), so every pixel stays
a sharp square, at least `ENLARGED` pixels wide; the original stays on disk for download. Images at
least `SHOWN_AS_IS` wide (a real SD1.5 base's 512 px) are shown as they are. Copies live in a cache
folder of their own (never next to a repository's thumbnails) and are made once per source file.
"""
from __future__ import annotations

import hashlib
import html
import re
from pathlib import Path

from PIL import Image

SHOWN_AS_IS = 256
ENLARGED = 512  # fullscreen shows these pixels; the chat and the panels draw them at 256-320 px

# Elements of HTML (WHATWG names) and comments: typed markup is dropped from what reaches Check-in and
# the prompt. Triggers look like tags (`<rex-v3>`) but are no HTML element, so they stay.
_HTML_ELEMENTS = ("a|abbr|address|area|article|aside|audio|b|base|bdi|bdo|blockquote|body|br|button|canvas|"
                  "caption|cite|code|col|colgroup|data|datalist|dd|del|details|dfn|dialog|div|dl|dt|em|embed|"
                  "fieldset|figcaption|figure|font|footer|form|frame|frameset|h[1-6]|head|header|hr|html|i|"
                  "iframe|img|input|ins|kbd|label|legend|li|link|main|map|mark|marquee|menu|meta|meter|nav|"
                  "noscript|object|ol|optgroup|option|output|p|param|picture|pre|progress|q|rp|rt|ruby|s|samp|"
                  "script|section|select|slot|small|source|span|strong|style|sub|summary|sup|svg|table|tbody|"
                  "td|template|textarea|tfoot|th|thead|time|title|tr|track|u|ul|var|video|wbr")
_DROPPED_BLOCKS = re.compile(r"<(script|style)\b[^>]*>.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_TAGS = re.compile(rf"<!--.*?-->|</?(?:{_HTML_ELEMENTS})(?:\s[^<>]*)?/?>", re.IGNORECASE | re.DOTALL)


def without_markup(text: str) -> str:
    """`text` with HTML elements, comments and script/style blocks removed, spaces collapsed."""
    text = _TAGS.sub(" ", _DROPPED_BLOCKS.sub(" ", text or ""))
    return re.sub(r"[ \t]{2,}", " ", text).strip()


def shown_as_typed(text: str) -> str:
    """Text for a Markdown chat bubble that displays exactly what was typed (markup escaped, not run)."""
    escaped = html.escape(text or "", quote=False)
    return re.sub(r"([\\`*_{}\[\]()#+\-!|~>])", r"\\\1", escaped)


def display_copy(path: str | Path, cache: Path) -> Path:
    """The file the page shows for the image at `path` (see the module docstring)."""
    path = Path(path)
    with Image.open(path) as image:
        side = max(image.size)
        if side >= SHOWN_AS_IS:
            return path
        factor = -(-ENLARGED // side)
        stat = path.stat()
        key = hashlib.sha256(f"{path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}".encode()).hexdigest()[:16]
        out = cache / f"{path.stem}-{key}-x{factor}.png"
        if not out.is_file():
            cache.mkdir(parents=True, exist_ok=True)
            enlarged = image.convert("RGB").resize((image.width * factor, image.height * factor), Image.NEAREST)
            tmp = out.with_suffix(".tmp")
            enlarged.save(tmp, format="PNG")
            tmp.replace(out)
    return out
