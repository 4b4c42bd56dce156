"""The only folder the web server serves: `$PERSONALQ_HOME/public`.

Thumbnails are copied in (content-addressed, after Pillow has read them), generated images are
written there; databases, the browser secret and the repository itself stay out of reach. A
checkpoint without a readable thumbnail gets one shared placeholder image, so a gallery never
receives `None`.
"""
from __future__ import annotations

import hashlib
import threading
from pathlib import Path

from PIL import Image, ImageDraw

from repo_store.schema import Checkpoint

PUBLIC = "public"
THUMBNAIL_SIZE = 128
MAX_THUMBNAIL_BYTES = 20 * 2**20  # a thumbnail larger than this is not read (placeholder instead)
MAX_THUMBNAIL_PIXELS = 4096 * 4096
# What lives in $PERSONALQ_HOME besides the public folder; blocked explicitly as well (defence in depth).
PRIVATE_NAMES = ("threads.sqlite", "judge_threads.sqlite", "votes.sqlite", "browser_secret", "chroma", "models",
                 "judging", "images")


class PublicFiles:
    """Copies of page files under `home/public`; `thumbnail(ckpt)` never returns None."""

    def __init__(self, home: str | Path):
        self.root = Path(home).expanduser().resolve() / PUBLIC
        self.thumbs = self.root / "thumbnails"
        self.images = self.root / "images"
        self.judging = self.root / "judging"
        for folder in (self.thumbs, self.images, self.judging):
            folder.mkdir(parents=True, exist_ok=True)
        self._copies: dict[tuple[str, int, int], str] = {}
        self._lock = threading.Lock()

    @property
    def placeholder(self) -> str:
        path = self.root / "placeholder.png"
        if not path.is_file():
            image = Image.new("RGB", (THUMBNAIL_SIZE, THUMBNAIL_SIZE), (226, 229, 234))
            draw = ImageDraw.Draw(image)
            draw.rectangle((8, 8, THUMBNAIL_SIZE - 9, THUMBNAIL_SIZE - 9), outline=(160, 166, 176), width=2)
            draw.text((THUMBNAIL_SIZE // 2, THUMBNAIL_SIZE // 2), "no thumbnail", fill=(90, 96, 106), anchor="mm")
            tmp = path.with_suffix(".part")
            image.save(tmp, format="PNG")
            tmp.replace(path)
        return str(path)

    def thumbnail(self, checkpoint: Checkpoint | None) -> str:
        """A served copy of the checkpoint's thumbnail, or the placeholder when it is missing or unreadable."""
        source = Path(checkpoint.thumbnail) if checkpoint is not None and checkpoint.thumbnail else None
        if source is None:
            return self.placeholder
        try:
            stat = source.stat()
            key = (str(source), stat.st_size, stat.st_mtime_ns)
            with self._lock:
                if key in self._copies and Path(self._copies[key]).is_file():
                    return self._copies[key]
            if stat.st_size > MAX_THUMBNAIL_BYTES:
                return self.placeholder
            data = source.read_bytes()
            with Image.open(source) as image:
                if image.width * image.height > MAX_THUMBNAIL_PIXELS:
                    return self.placeholder
                image.verify()
                suffix = "." + (image.format or "png").lower()
        except (OSError, ValueError, Image.DecompressionBombError):
            return self.placeholder
        target = self.thumbs / f"{hashlib.sha256(data).hexdigest()[:24]}{suffix}"
        if not target.is_file():
            tmp = target.with_name(target.name + ".part")
            tmp.write_bytes(data)
            tmp.replace(target)
        with self._lock:
            self._copies[key] = str(target)
        return str(target)

    def new_image(self, stem: str) -> Path:
        """Where a freshly generated image goes (served to the page)."""
        return self.images / f"{stem}.png"

    def blocked(self, home: str | Path, repo_root: str | Path) -> list[str]:
        """Absolute paths Gradio must never serve: the repository and everything in home but `public`."""
        home = Path(home).expanduser().resolve()
        paths = {str(Path(repo_root).resolve())}
        paths |= {str(home / name) for name in PRIVATE_NAMES}
        if home.is_dir():
            paths |= {str(p) for p in home.iterdir() if p.name != PUBLIC}
        return sorted(p for p in paths if not self.root.is_relative_to(p))
