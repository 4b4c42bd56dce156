"""The procedural image world the mini model learns: 64×64 scenes drawn from a `Scene`.

    Scene(subject="dog", color="red", pattern="plain", background="sand", time="sunset", style="watercolor")
      → render(scene, seed)  a PIL image, identical for the same scene and seed
      → caption(scene)       "a red dog on the beach at sunset, watercolor"

A subject is a silhouette made of simple shapes (13 categories), filled with its
colour and pattern. `accent` (the colour of ears, roof, wheels...) and `marking`
(a collar, a patch) are instance details that captions never mention: they are
what a personalized checkpoint has to learn under its trigger.
Scenes are drawn at 2× and downsampled, then the rendering style is applied.
"""
from __future__ import annotations

import random
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageOps

SUBJECTS = ("dog", "cat", "bear", "horse", "car", "house", "tree", "flower", "mountain", "bridge", "chair",
            "watch", "bag")
COLORS = {"red": (200, 40, 40), "orange": (235, 130, 30), "yellow": (235, 205, 50), "green": (60, 160, 60),
          "blue": (50, 90, 200), "purple": (130, 60, 170), "brown": (120, 75, 40), "black": (30, 30, 30),
          "white": (240, 240, 235), "gray": (128, 128, 128)}
PATTERNS = ("plain", "spotted", "striped")
BACKGROUNDS = ("grass", "sand", "snow", "water", "street", "indoor")
TIMES = ("noon", "sunset", "night")
STYLES = ("photo", "sketch", "watercolor", "pixel art", "cartoon", "oil painting")
MARKINGS = (None, "collar", "patch")

SIZE = 64
_CANVAS = 128  # drawn at 2× for smooth edges


@dataclass(frozen=True)
class Scene:
    subject: str
    color: str
    pattern: str = "plain"
    background: str = "grass"
    time: str = "noon"
    style: str = "photo"
    accent: str | None = None  # instance detail: colour of secondary parts
    marking: str | None = None  # instance detail: "collar" or "patch"

    def __post_init__(self) -> None:
        for name, value, allowed in (("subject", self.subject, SUBJECTS), ("color", self.color, COLORS),
                                     ("pattern", self.pattern, PATTERNS), ("background", self.background, BACKGROUNDS),
                                     ("time", self.time, TIMES), ("style", self.style, STYLES),
                                     ("accent", self.accent, (None, *COLORS)), ("marking", self.marking, MARKINGS)):
            if value not in allowed:
                raise ValueError(f"scene {name} {value!r} is not one of {', '.join(map(str, allowed))}")


def sample_scene(rng: random.Random, **fixed: str) -> Scene:
    """A random base scene (no instance details); keyword arguments pin attributes."""
    choice = {"subject": rng.choice(SUBJECTS), "color": rng.choice(list(COLORS)),
              "pattern": rng.choice(PATTERNS), "background": rng.choice(BACKGROUNDS),
              "time": rng.choice(TIMES), "style": rng.choice(STYLES)}
    choice.update(fixed)
    return Scene(**choice)


# --- captions ------------------------------------------------------------------------------
BACKGROUND_PHRASES = {"grass": ("on the grass", "in a grassy field"), "sand": ("on the beach", "on the sand"),
                      "snow": ("in the snow", "on a snowy hill"), "water": ("by the lake", "by the water"),
                      "street": ("on a city street", "on the street"), "indoor": ("in a cozy room", "indoors")}
TIME_PHRASES = {"noon": ("at noon", "in daylight"), "sunset": ("at sunset", "at dusk"), "night": ("at night", "under the stars")}
STYLE_PHRASES = {"photo": ("photo", "photograph"), "sketch": ("ink sketch", "pen sketch"),
                 "watercolor": ("watercolor", "watercolor painting"), "pixel art": ("pixel art", "8-bit pixel art"),
                 "cartoon": ("cartoon", "cartoon drawing"), "oil painting": ("oil painting", "oil on canvas")}


def caption(scene: Scene, rng: random.Random | None = None) -> str:
    """The prompt a person would type for `scene`; `rng` varies the wording, never the content."""
    pick = (lambda options: rng.choice(options)) if rng else (lambda options: options[0])
    pattern = "" if scene.pattern == "plain" else f"{scene.pattern} "
    return (f"a {scene.color} {pattern}{scene.subject} {pick(BACKGROUND_PHRASES[scene.background])} "
            f"{pick(TIME_PHRASES[scene.time])}, {pick(STYLE_PHRASES[scene.style])}")


def parse_caption(text: str) -> Scene:
    """Inverse of `caption` for any of its wordings (instance details are not in captions)."""
    words = text.lower().strip()
    found = {}
    for key, table in (("background", BACKGROUND_PHRASES), ("time", TIME_PHRASES), ("style", STYLE_PHRASES)):
        matches = [k for k, phrases in table.items() for p in phrases if p in words]
        if not matches:
            raise ValueError(f"caption {text!r} names no {key}")
        found[key] = max(matches, key=lambda k: max(len(p) for p in table[k] if p in words))
    head = words.split(" ", 1)[1] if words.startswith("a ") else words
    tokens = head.split()
    color, rest = tokens[0], tokens[1:]
    pattern = rest[0] if rest and rest[0] in PATTERNS else "plain"
    subject = rest[1] if pattern != "plain" else rest[0]
    return Scene(subject=subject, color=color, pattern=pattern, **found)


# --- drawing ---------------------------------------------------------------------------------
def _shade(rgb: tuple[int, int, int], factor: float) -> tuple[int, int, int]:
    return tuple(int(max(0, min(255, c * factor))) for c in rgb)


def _sky(draw: ImageDraw.ImageDraw, time: str, horizon: int, rng: random.Random) -> None:
    top, bottom = {"noon": ((110, 170, 235), (190, 220, 245)), "sunset": ((120, 70, 140), (250, 150, 70)),
                   "night": ((10, 15, 40), (30, 40, 80))}[time]
    for y in range(horizon):
        t = y / max(horizon - 1, 1)
        draw.line([(0, y), (_CANVAS, y)], fill=tuple(int(a + (b - a) * t) for a, b in zip(top, bottom)))
    if time == "night":
        for _ in range(18):
            x, y = rng.randrange(_CANVAS), rng.randrange(horizon)
            draw.point((x, y), fill=(230, 230, 200))
        draw.ellipse([100, 10, 114, 24], fill=(235, 235, 210))
    elif time == "noon":
        draw.ellipse([12, 8, 30, 26], fill=(255, 240, 150))
    else:
        draw.ellipse([50, horizon - 14, 78, horizon + 14], fill=(255, 190, 90))


def _ground(draw: ImageDraw.ImageDraw, background: str, horizon: int, rng: random.Random) -> None:
    base = {"grass": (70, 150, 60), "sand": (225, 200, 140), "snow": (235, 240, 250), "water": (50, 110, 180),
            "street": (95, 95, 100), "indoor": (150, 105, 65)}[background]
    draw.rectangle([0, horizon, _CANVAS, _CANVAS], fill=base)
    if background == "grass":
        for _ in range(60):
            x, y = rng.randrange(_CANVAS), rng.randrange(horizon, _CANVAS)
            draw.line([(x, y), (x + rng.randint(-2, 2), y - 4)], fill=_shade(base, 0.75))
    elif background == "water":
        for y in range(horizon + 4, _CANVAS, 7):
            draw.line([(0, y), (_CANVAS, y)], fill=_shade(base, 1.3), width=1)
    elif background == "street":
        for x in range(4, _CANVAS, 24):
            draw.rectangle([x, 112, x + 12, 115], fill=(230, 220, 120))
    elif background == "snow":
        for _ in range(25):
            x, y = rng.randrange(_CANVAS), rng.randrange(horizon, _CANVAS)
            draw.ellipse([x, y, x + 2, y + 2], fill=(200, 210, 230))
    elif background == "sand":
        for _ in range(30):
            x, y = rng.randrange(_CANVAS), rng.randrange(horizon, _CANVAS)
            draw.point((x, y), fill=_shade(base, 0.85))


def _indoor(draw: ImageDraw.ImageDraw, time: str, horizon: int) -> None:
    wall = {"noon": (225, 210, 180), "sunset": (215, 175, 140), "night": (90, 80, 70)}[time]
    draw.rectangle([0, 0, _CANVAS, horizon], fill=wall)
    window = {"noon": (160, 200, 240), "sunset": (245, 150, 80), "night": (20, 25, 50)}[time]
    draw.rectangle([86, 14, 118, 42], fill=window, outline=(110, 80, 50), width=3)


def _silhouette(subject: str, mask: ImageDraw.ImageDraw, accent: ImageDraw.ImageDraw, ox: int, oy: int, s: float) -> None:
    """Draw the subject's body on `mask` and its secondary parts on `accent` (both 'L' images)."""
    def box(x0, y0, x1, y1):
        return [ox + x0 * s, oy + y0 * s, ox + x1 * s, oy + y1 * s]

    def poly(points):
        return [(ox + x * s, oy + y * s) for x, y in points]

    if subject in ("dog", "cat", "bear"):
        body = {"dog": (-30, -10, 22, 14), "cat": (-26, -6, 18, 14), "bear": (-28, -18, 24, 18)}[subject]
        mask.ellipse(box(*body), fill=255)
        head = {"dog": (14, -26, 38, -2), "cat": (12, -22, 32, -2), "bear": (12, -32, 40, -4)}[subject]
        mask.ellipse(box(*head), fill=255)
        for x in ((-24, -18), (-10, -4), (2, 8), (12, 18)):
            mask.rectangle(box(x[0], 8, x[1], 28 if subject != "bear" else 26), fill=255)
        if subject == "dog":
            accent.polygon(poly([(16, -22), (20, -36), (26, -22)]), fill=255)  # floppy-ish ear
            accent.polygon(poly([(-30, -4), (-42, -16), (-38, -2)]), fill=255)  # tail
        elif subject == "cat":
            accent.polygon(poly([(13, -16), (15, -32), (21, -20)]), fill=255)
            accent.polygon(poly([(23, -20), (29, -32), (31, -16)]), fill=255)
            accent.line(poly([(-26, 4), (-40, -6), (-38, -26)]), fill=255, width=max(2, int(4 * s)))
        else:
            accent.ellipse(box(12, -36, 22, -26), fill=255)
            accent.ellipse(box(30, -36, 40, -26), fill=255)
    elif subject == "horse":
        mask.ellipse(box(-32, -12, 22, 10), fill=255)
        mask.polygon(poly([(12, -8), (22, -36), (32, -36), (24, -4)]), fill=255)
        mask.ellipse(box(22, -40, 42, -28), fill=255)
        for x in (-26, -16, 6, 14):
            mask.rectangle(box(x, 4, x + 5, 34), fill=255)
        accent.polygon(poly([(14, -10), (20, -38), (24, -36), (18, -8)]), fill=255)  # mane
        accent.line(poly([(-32, -6), (-42, 14)]), fill=255, width=max(2, int(4 * s)))  # tail
    elif subject == "car":
        mask.rounded_rectangle(box(-40, -6, 40, 14), radius=int(6 * s), fill=255)
        mask.polygon(poly([(-22, -6), (-12, -22), (16, -22), (26, -6)]), fill=255)
        for x in (-26, 16):
            accent.ellipse(box(x - 4, 6, x + 14, 24), fill=255)
    elif subject == "house":
        mask.rectangle(box(-28, -12, 28, 30), fill=255)
        accent.polygon(poly([(-36, -10), (0, -40), (36, -10)]), fill=255)
        accent.rectangle(box(-6, 8, 8, 30), fill=255)
    elif subject == "tree":
        accent.rectangle(box(-6, 0, 6, 36), fill=255)
        mask.ellipse(box(-30, -44, 30, 8), fill=255)
    elif subject == "flower":
        accent.line(poly([(0, 0), (0, 38)]), fill=255, width=max(2, int(4 * s)))
        accent.polygon(poly([(0, 22), (14, 14), (4, 28)]), fill=255)
        for angle in range(0, 360, 60):
            dx, dy = 12 * np.cos(np.radians(angle)), 12 * np.sin(np.radians(angle))
            mask.ellipse(box(dx - 9, dy - 9 - 6, dx + 9, dy + 9 - 6), fill=255)
        accent.ellipse(box(-6, -12, 6, 0), fill=255)
    elif subject == "mountain":
        mask.polygon(poly([(-50, 30), (-8, -40), (36, 30)]), fill=255)
        mask.polygon(poly([(0, 30), (30, -16), (56, 30)]), fill=255)
        accent.polygon(poly([(-8, -40), (-20, -20), (4, -20)]), fill=255)  # snow cap
    elif subject == "bridge":
        mask.rectangle(box(-50, -12, 50, -4), fill=255)
        for x in (-40, 0, 40):
            mask.rectangle(box(x - 5, -4, x + 5, 30), fill=255)
        accent.arc(box(-40, -10, 40, 40), start=180, end=360, fill=255, width=max(2, int(5 * s)))
    elif subject == "chair":
        mask.rectangle(box(-20, 0, 20, 8), fill=255)
        mask.rectangle(box(-20, -34, -12, 0), fill=255)
        for x in (-20, 14):
            accent.rectangle(box(x, 8, x + 6, 32), fill=255)
    elif subject == "watch":
        accent.rectangle(box(-8, -40, 8, 40), fill=255)  # strap
        mask.ellipse(box(-20, -20, 20, 20), fill=255)
    elif subject == "bag":
        mask.polygon(poly([(-28, -8), (28, -8), (34, 30), (-34, 30)]), fill=255)
        accent.arc(box(-16, -30, 16, 6), start=180, end=360, fill=255, width=max(2, int(5 * s)))


def _pattern_layer(scene: Scene, color: tuple[int, int, int], rng: random.Random) -> Image.Image:
    layer = Image.new("RGB", (_CANVAS, _CANVAS), color)
    draw = ImageDraw.Draw(layer)
    darker = _shade(color, 0.45) if scene.color != "black" else (200, 200, 200)
    if scene.pattern == "spotted":
        for _ in range(40):
            x, y, r = rng.randrange(_CANVAS), rng.randrange(_CANVAS), rng.randint(3, 5)
            draw.ellipse([x - r, y - r, x + r, y + r], fill=darker)
    elif scene.pattern == "striped":
        for x in range(-_CANVAS, _CANVAS, 10):
            draw.line([(x, 0), (x + _CANVAS, _CANVAS)], fill=darker, width=4)
    return layer


def _scene_layers(scene: Scene, rng: random.Random) -> tuple[Image.Image, Image.Image]:
    """The drawn picture at 2× and the subject's mask."""
    streams = {part: random.Random(f"{rng.random()}|{part}") for part in ("sky", "ground", "pattern")}
    horizon = 70 + rng.randint(-4, 4)
    ox, oy, s = 64 + rng.randint(-6, 6), 70 + rng.randint(-5, 5), 1.0 + rng.uniform(-0.1, 0.1)
    image = Image.new("RGB", (_CANVAS, _CANVAS))
    draw = ImageDraw.Draw(image)
    if scene.background == "indoor":
        _indoor(draw, scene.time, horizon)
    else:
        _sky(draw, scene.time, horizon, streams["sky"])
    _ground(draw, scene.background, horizon, streams["ground"])

    body, parts = Image.new("L", image.size), Image.new("L", image.size)
    _silhouette(scene.subject, ImageDraw.Draw(body), ImageDraw.Draw(parts), ox, oy, s)
    color = COLORS[scene.color]
    image.paste(_pattern_layer(scene, color, streams["pattern"]), mask=body)
    accent_rgb = COLORS[scene.accent] if scene.accent else _shade(color, 0.7 if scene.color != "black" else 2.5)
    image.paste(Image.new("RGB", image.size, accent_rgb), mask=parts)
    if scene.marking == "collar":
        collar = Image.new("L", image.size)
        ImageDraw.Draw(collar).rectangle([ox - 4 * s, oy - 18 * s, ox + 34 * s, oy - 12 * s], fill=255)
        collar = Image.fromarray(np.minimum(np.asarray(collar), np.asarray(body)))
        image.paste(Image.new("RGB", image.size, (220, 30, 30)), mask=collar)
    elif scene.marking == "patch":
        patch = Image.new("L", image.size)
        ImageDraw.Draw(patch).ellipse([ox - 18 * s, oy - 10 * s, ox - 2 * s, oy + 6 * s], fill=255)
        patch = Image.fromarray(np.minimum(np.asarray(patch), np.asarray(body)))
        image.paste(Image.new("RGB", image.size, (245, 245, 240)), mask=patch)
    full_mask = Image.fromarray(np.maximum(np.asarray(body), np.asarray(parts)))
    if scene.time == "night":  # the whole scene is lit by the moon
        image = Image.fromarray((np.asarray(image, dtype=np.float32) * 0.55).astype(np.uint8))
    elif scene.time == "sunset":
        warm = np.asarray(image, dtype=np.float32) * np.array([1.08, 0.92, 0.8])
        image = Image.fromarray(np.clip(warm, 0, 255).astype(np.uint8))
    return image, full_mask


def _stylize(image: Image.Image, mask: Image.Image, style: str, rng: random.Random) -> Image.Image:
    """Apply a rendering style to a SIZE×SIZE picture."""
    if style == "photo":
        arr = np.asarray(image.filter(ImageFilter.GaussianBlur(0.6)), dtype=np.float32)
        yy, xx = np.mgrid[0:SIZE, 0:SIZE]
        light = 1.1 - 0.25 * np.hypot(xx - SIZE * 0.35, yy - SIZE * 0.3) / SIZE
        noise = np.random.default_rng(rng.randrange(2**32)).normal(0, 4, arr.shape)
        return Image.fromarray(np.clip(arr * light[..., None] + noise, 0, 255).astype(np.uint8))
    if style == "sketch":
        gray = ImageOps.grayscale(image)
        edges = ImageOps.invert(gray.filter(ImageFilter.FIND_EDGES).point(lambda v: min(255, v * 3)))
        outline = ImageOps.invert(mask.filter(ImageFilter.FIND_EDGES).point(lambda v: 255 if v > 40 else 0))
        paper = np.minimum(np.asarray(edges), np.asarray(outline)).astype(np.float32)
        shade = 0.75 + 0.25 * np.asarray(gray, dtype=np.float32) / 255.0
        ink = np.clip(paper * shade, 0, 255).astype(np.uint8)
        return Image.merge("RGB", [Image.fromarray(ink)] * 3)
    if style == "watercolor":
        soft = image.filter(ImageFilter.GaussianBlur(1.2)).quantize(colors=12).convert("RGB")
        arr = np.asarray(soft, dtype=np.float32) * 0.8 + 255 * 0.2  # washed-out pigment on white paper
        grain = np.random.default_rng(rng.randrange(2**32)).normal(0, 6, arr.shape[:2])[..., None]
        return Image.fromarray(np.clip(arr + grain, 0, 255).astype(np.uint8))
    if style == "pixel art":
        small = image.resize((16, 16), Image.Resampling.BOX).quantize(colors=8).convert("RGB")
        return small.resize((SIZE, SIZE), Image.Resampling.NEAREST)
    if style == "cartoon":
        flat = image.quantize(colors=6).convert("RGB")
        edge = mask.filter(ImageFilter.FIND_EDGES).point(lambda v: 255 if v > 40 else 0).filter(ImageFilter.MaxFilter(3))
        flat.paste((15, 15, 15), mask=edge)
        return flat
    if style == "oil painting":
        strokes = image.filter(ImageFilter.ModeFilter(5)).filter(ImageFilter.SMOOTH_MORE)
        arr = np.asarray(strokes, dtype=np.float32)
        ridges = np.random.default_rng(rng.randrange(2**32)).normal(0, 10, (SIZE, SIZE // 4))
        ridges = np.repeat(ridges, 4, axis=1)[..., None]  # horizontal brush texture
        return Image.fromarray(np.clip(arr * 1.1 + ridges, 0, 255).astype(np.uint8))
    raise ValueError(f"unknown style {style!r}")


def _layout_rng(scene: Scene, seed: int) -> random.Random:
    """Geometry and textures depend on (seed, subject, background) only, so scenes that differ in
    colour, time or style share their layout: controlled comparisons for the evaluator and tests."""
    return random.Random(f"{seed}|{scene.subject}|{scene.background}")


def render(scene: Scene, seed: int = 0) -> Image.Image:
    """Draw `scene` as a SIZE×SIZE RGB image; the same scene and seed give the same pixels."""
    rng = _layout_rng(scene, seed)
    picture, mask = _scene_layers(scene, rng)
    picture = picture.resize((SIZE, SIZE), Image.Resampling.LANCZOS)
    mask = mask.resize((SIZE, SIZE), Image.Resampling.BILINEAR)
    return _stylize(picture, mask, scene.style, random.Random(f"{seed}|{scene}|style"))


def render_mask(scene: Scene, seed: int = 0) -> Image.Image:
    """The subject's silhouette ('L', SIZE×SIZE) as placed in `render(scene, seed)`."""
    rng = _layout_rng(scene, seed)
    _, mask = _scene_layers(scene, rng)
    return mask.resize((SIZE, SIZE), Image.Resampling.BILINEAR)


def contact_sheet(path: str, seed: int = 0) -> None:
    """Every subject (columns) in every style (rows), plus a row of instance details."""
    sheet = Image.new("RGB", (SIZE * len(SUBJECTS), SIZE * (len(STYLES) + 1)), "white")
    for i, subject in enumerate(SUBJECTS):
        for j, style in enumerate(STYLES):
            scene = Scene(subject, list(COLORS)[(i + j) % len(COLORS)], PATTERNS[(i + j) % 3],
                          BACKGROUNDS[(i + 2 * j) % len(BACKGROUNDS)], TIMES[(i + j) % 3], style)
            sheet.paste(render(scene, seed + i), (SIZE * i, SIZE * j))
        instance = Scene(subject, "brown", accent="white", marking="collar")
        sheet.paste(render(instance, seed + i), (SIZE * i, SIZE * len(STYLES)))
    sheet.save(path, optimize=True)


if __name__ == "__main__":
    import sys

    out = sys.argv[1] if len(sys.argv) > 1 else "docs/world.png"
    contact_sheet(out)
    print(f"wrote {out}")
