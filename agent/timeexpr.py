"""Time expressions in a request, resolved against a reference date `now`.

    "yesterday", "this morning", "last week", "3 days ago", "this/last month",
    "April", "April 2025", "last April", "April 11", "2025-04-11", "spring",
    "2024", "Tuesday's", "from February", "trained in October", "late July", "mid-September",
    "the first weekend of March", "made on Valentine's day", "the week before Halloween"

Each becomes a `TimeWindow`: an inclusive date range, or months of any year.
Which date it constrains (created_at or last_used_at) comes from the nearest
verb: "trained/created/made" → created, "used/ran" → used, neither → any.
"""
from __future__ import annotations

import calendar
import re
from dataclasses import asdict, dataclass, replace
from datetime import date, timedelta
from typing import Any

from agent.lexicon import ordinal_value

MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
MONTHS |= {name.lower(): i for i, name in enumerate(calendar.month_abbr) if name}
MONTHS |= {"sept": 9}
SEASONS = {"spring": (3, 4, 5), "summer": (6, 7, 8), "autumn": (9, 10, 11), "fall": (9, 10, 11), "winter": (12, 1, 2)}
WEEKDAYS = {name.lower(): i for i, name in enumerate(calendar.day_name)}
NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
           "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "a couple of": 2, "couple of": 2,
           "a few": 3, "few": 3, "several": 4}
# past-tense usage only: "use my April model" / "using the April build" choose a checkpoint, they date nothing
USED_WORDS = frozenset("used ran tried generated played opened loaded".split())
# a checkpoint in use, said by what was open or played with ("had open", "was playing with"); `intent.USAGE` too
USED_OPEN = r"(?:open|loaded|running|going|out)"  # "the one I had out on valentine's day"
USED_PLAYING = r"(?:playing|messing|tinkering)\s+(?:around\s+)?with"
CREATED_WORDS = frozenset("trained train created made built fine-tuned finetuned tuned uploaded added saved finished "
                          "completed".split())
_MONTH_RE = "|".join(sorted(MONTHS, key=len, reverse=True))
_NUM_RE = "|".join(sorted((re.escape(k) for k in NUMBERS), key=len, reverse=True)) + r"|\d+"
# a day of the month: "5", "5th", "fifth", "twenty-first" (read by number-parser through `ordinal_value`)
_ORD_UNITS = "first|second|third|fourth|fifth|sixth|seventh|eighth|ninth"
_ORD_WORDS = (r"(?:twenty|thirty)[\s-](?:" + _ORD_UNITS + r")|" + _ORD_UNITS
              + r"|tenth|eleventh|twelfth|thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth"
              r"|twentieth|thirtieth")
_DAY_RE = r"\d{1,2}(?:st|nd|rd|th)?|" + _ORD_WORDS
_MADE = frozenset("trained created made built fine-tuned finetuned tuned taught retrained".split())  # not "done":
# "can the orchard be done in autumn" asks for the picture
_LOCATIVE = ("in", "on", "at", "during", "into", "under")
_CUE_PREV = frozenset("from since during last this the my our of".split())
_SCENE_NEXT = frozenset("morning mornings evening evenings night nights day days afternoon sky light sun sunshine "
                        "leaves leaf coat coats snow rain dress jacket sweater scarf garden festival holiday "
                        "vibes vibe mood colors colours outfit".split())
_FUNCTION_WORDS = frozenset("and or in on at of from with when the a an to for by as is was i we my our this that "
                            "please pls s".split())
_EVENTS = frozenset("parade picnic fireworks barbecue bbq concert fair party festival trip road holiday dinner lunch "
                    "breakfast feast celebration cookout sale".split())  # what a day names in the picture
_OWNING = frozenset("the his her my our their your".split())
_MONTH_PREV = frozenset("in from since during of".split())
_CUE_NEXT = frozenset("model build version checkpoint lora one ones 's training run".split())


@dataclass(frozen=True)
class TimeWindow:
    label: str  # the words as typed
    start: str | None = None  # ISO date, inclusive
    end: str | None = None  # ISO date, inclusive
    months: tuple[int, ...] = ()  # month of any year, when no range is known
    field: str = "any"  # created | used | any
    span: tuple[int, int] = (0, 0)
    day: str | None = None  # the holiday itself inside a window around it: preferred when it tells them apart

    @property
    def attributes(self) -> tuple[str, ...]:
        """The record fields the window reads: when a checkpoint was created, last used, or either."""
        return {"created": ("created_at",), "used": ("last_used_at",), "any": ("created_at", "last_used_at")}[self.field]

    def contains(self, day: date) -> bool:
        if self.months and day.month not in self.months:
            return False
        if self.start and day < date.fromisoformat(self.start):
            return False
        if self.end and day > date.fromisoformat(self.end):
            return False
        return True

    def describe(self) -> str:
        if self.months and not self.start:
            return " or ".join(calendar.month_name[m] for m in self.months)
        if self.start == self.end:
            return self.start or self.label
        if self.start == date.min.isoformat():
            return f"up to {self.end}"  # "before this summer"
        return f"{self.start} to {self.end}"

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> TimeWindow:
        return cls(**{**data, "months": tuple(data.get("months") or ()), "span": tuple(data["span"])})


def _range(label: str, start: date, end: date, span: tuple[int, int]) -> TimeWindow:
    return TimeWindow(label, start.isoformat(), end.isoformat(), span=span)


def _month_range(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def _shift_months(day: date, months: int) -> tuple[int, int]:
    index = day.year * 12 + day.month - 1 - months
    return index // 12, index % 12 + 1


def _last_week(now: date) -> tuple[date, date]:
    """The previous calendar week, widened to 5–10 days back (people mean both)."""
    monday = now - timedelta(days=now.weekday())
    return min(monday - timedelta(days=7), now - timedelta(days=10)), max(monday - timedelta(days=1), now - timedelta(days=5))


def _named_month(word: str, which: str | None, now: date) -> tuple[date, date]:
    """The month `word` ("november", or "month" with this/last) most recently begun, as a date range."""
    if word == "month":
        return _month_range(*_shift_months(now, 1 if which == "last" else 0))
    month = MONTHS[word]
    year = now.year if month <= now.month and which != "last" else now.year - 1
    return _month_range(year, month)


def dated(window: TimeWindow, now: date) -> tuple[date, date]:
    """A window as dates: its own, or for months said alone ("in November", "in spring") their latest run begun by
    `now`."""
    if window.start and window.end:
        return date.fromisoformat(window.start), date.fromisoformat(window.end)
    first, last = window.months[0], window.months[-1]
    year = now.year if first <= now.month else now.year - 1
    return _month_range(year, first)[0], _month_range(year + (last < first), last)[1]


def _word_before(text: str, pos: int) -> str:
    words = re.findall(r"[a-z0-9']+", text[:pos])
    return words[-1] if words else ""


def _word_after(text: str, pos: int) -> str:
    match = re.match(r"\s*(?:-\s*)?('s|[a-z0-9']+)", text[pos:])
    return match.group(1) if match else ""


def _phrase_follows(text: str, pos: int, phrases: set[str]) -> bool:
    """Whether a multi-word phrase of `phrases` comes next ("autumn oil painting": a style, so a cue)."""
    rest = text[pos:].lstrip()
    return any(" " in p and rest.startswith(p) and not rest[len(p):len(p) + 1].isalnum() for p in phrases)


def _is_selection_cue(text: str, original: str, start: int, end: int, word: str, style_words: set[str]) -> bool:
    """Seasons and ambiguous month names ("may", "march") only count when used as selection cues."""
    prev, nxt = _word_before(text, start), _word_after(text, end)
    short = len(text.split()) <= 3 and "," not in text[:start]  # "Spring sketch", "may", "the March one"
    if prev in ("a", "an") or nxt in _SCENE_NEXT or nxt in _EVENTS:
        return False  # "a december morning", "autumn leaves", "winter coat", "the fourth of july parade": the picture
    if _purpose(text, start, end):
        return False  # "a calendar ... for September I want the harbour": what the picture is for
    told = re.match(r"\s+(?:we|i|he|she|they|you)\s+((?:[a-z'-]+\s*){1,3})", text[end:])
    if told and not _MADE & set(told[1].split()):
        return False  # "like the summer we brought him home": a time of their life, not of a checkpoint
    if word in SEASONS:
        if nxt in _CUE_NEXT or nxt in style_words or _phrase_follows(text, end, style_words):
            return True
        if nxt.isalpha() and nxt not in _FUNCTION_WORDS:
            return False  # "spring garden", "summer dress": a season describing a thing in the picture
        before_prev = _word_before(text, start - len(prev) - 1) if prev else ""
        if prev in _LOCATIVE and before_prev in _MADE | {"back"}:
            return True  # "trained in spring", "made during the summer": when the checkpoint was made; "back in spring"
        if prev == "the" and before_prev in _LOCATIVE and _word_before(
                text, start - len(prev) - len(before_prev) - 2) == "back":
            return True  # "something I made back in the spring": a time gone by
        if prev == "the" and before_prev in _LOCATIVE and nxt != "of" and _word_before(
                text, start - len(prev) - len(before_prev) - 2) in _MADE:
            return True  # "something i made in the autumn"
        if prev in _LOCATIVE or (prev == "the" and before_prev in _LOCATIVE):
            return False  # "in the winter snow": the picture, not the checkpoint
        if prev == "of" and before_prev not in _CUE_NEXT:
            return False  # "in the middle of winter", "the depths of winter": the picture
        return prev in _CUE_PREV or short
    if word in ("may", "march"):
        capitalized = original[start:end] == word.capitalize()
        return short or capitalized or prev in _CUE_PREV | {"in"} or nxt in _CUE_NEXT
    return True


def _thing_after(text: str, end: int) -> str | None:
    """The word after a date when it can be a thing the date describes ("the Sunday paper", "a july 4th road
    trip"): a word, no function word, no model word ("the july 4th one")."""
    nxt = _word_after(text, end)
    return nxt if nxt.isalpha() and nxt not in _FUNCTION_WORDS and nxt not in _CUE_NEXT else None


def _purpose(text: str, start: int, end: int) -> bool:
    """A time said after "for" with no verb of making or using near: what the picture is for, not a date; also the
    time of the event it is for ("a flyer for a gig on saturday")."""
    return (_word_before(text, start) == "for" or re.search(
        r"\bfor\s+(?:a|an|the|our|my|his|her|their)\s+(?:[a-z'-]+\s+){1,3}(?:on|this|next)\s+$", text[:start]) is not None) \
        and _field(text, start, end) == "any"


_LADEN = re.compile(r"\bloaded(?=\s+(?:up\s+)?(?:with|onto|into)\b)")  # "a bike loaded with christmas trees": no use


def _field(text: str, start: int, end: int) -> str:
    """created / used / any, from the nearest verb within a few words."""
    before = re.findall(r"[a-z]+(?:-[a-z]+)*", _LADEN.sub("laden", text[max(0, start - 40):start]))[-4:]
    after = re.findall(r"[a-z]+(?:-[a-z]+)*", _LADEN.sub("laden", text[end:end + 30]))[:2]
    nearest: list[tuple[int, str]] = []
    for distance, word in enumerate(reversed(before)):
        nearest.append((distance, word))
    for distance, word in enumerate(after):
        nearest.append((distance, word))
    if re.search(rf"\b(?:(?:had|have)\s+(?:it\s+|that\s+|something\s+(?:\w+\s+)?|\w+\s+one\s+)?{USED_OPEN}|(?:was|were|been)\s+{USED_PLAYING})\b",
                 text[max(0, start - 40):start]) or re.match(
            rf"[\s,]*(?:i|we)\s+(?:(?:had|have)\s+(?:\w+\s+)?{USED_OPEN}|(?:was|were)\s+(?:using|{USED_PLAYING}))\b",
            text[end:end + 50]):
        return "used"  # "the checkpoint i had going a week ago", "the one i was playing with last week"
    for _, word in sorted(nearest, key=lambda x: x[0]):
        if word in ("using", "use") and re.search(r"\b(?:(?:was|were|been|am|i'm|are)|(?:was|were|did)\s+(?:i|we))\s+"
                                                  r"(?:using|use)\b", text[max(0, start - 40):end + 30]):
            return "used"  # "the one I was using on christmas eve", "which one was I using", "what did I use"
        if word in CREATED_WORDS:
            return "created"
        if word in USED_WORDS:
            return "used"
    return "any"


def _numeric_day(m: re.Match, text: str, now: date) -> date | None:
    """A day written in numbers ("4/20", "25/12/2025"): read day-first or month-first whichever a number over 12
    allows (both readings possible, as in "3/4", is no date), the year's latest one up to `now` when none is
    written; only beside a verb of making or using, or after "on"/"from" ("open 24/7" is no date)."""
    if _field(text, *m.span()) == "any" and _word_before(text, m.start()) not in ("on", "from", "since"):
        return None
    a, b = int(m[1]), int(m[2])
    if (a <= 12) == (b <= 12):
        return None
    month, day_n = (a, b) if a <= 12 else (b, a)
    year = int(m[3]) + (2000 if len(m[3]) == 2 else 0) if m[3] else now.year
    if day_n > calendar.monthrange(year, month)[1]:
        return None
    day = date(year, month, day_n)
    return day if m[3] or day <= now else date(year - 1, month, min(day_n, calendar.monthrange(year - 1, month)[1]))


# diffusion checkpoints exist from here on: a bare earlier year is when the picture is set, not when one was made
_FIRST_CHECKPOINT_YEAR = 2015


# fixed-date holidays as people name them (Easter moves: dateutil computes it)
HOLIDAYS = {"new year's day": (1, 1), "new years day": (1, 1), "new year": (1, 1), "valentine's day": (2, 14),
            "valentines day": (2, 14), "valentine's": (2, 14), "valentines": (2, 14), "st patrick's day": (3, 17),
            "st paddy's day": (3, 17), "halloween": (10, 31), "bonfire night": (11, 5), "christmas eve": (12, 24),
            "christmas day": (12, 25), "christmas": (12, 25), "xmas": (12, 25), "boxing day": (12, 26),
            "new year's eve": (12, 31), "new years eve": (12, 31), "nye": (12, 31), "midsummer": (6, 22),
            "midsummer's eve": (6, 22), "midsummer eve": (6, 22), "fourth of july": (7, 4), "4th of july": (7, 4),
            "easter": None, "easter sunday": None, "thanksgiving": None, "thanksgiving day": None,
            "april fool's day": (4, 1), "april fools day": (4, 1), "april fools' day": (4, 1), "april fool's": (4, 1),
            "april fools": (4, 1), "may day": (5, 1), "remembrance day": (11, 11), "armistice day": (11, 11),
            "guy fawkes night": (11, 5), "guy fawkes": (11, 5), "burns night": (1, 25), "hogmanay": (12, 31),
            "st george's day": (4, 23), "st david's day": (3, 1), "st andrew's day": (11, 30), "canada day": (7, 1),
            "independence day": (7, 4), "good friday": None, "holy saturday": None, "easter saturday": None,
            "easter monday": None, "palm sunday": None, "shrove tuesday": None, "pancake day": None,
            "ash wednesday": None, "memorial day": None, "labor day": None, "father's day": None, "fathers day": None,
            "black friday": None, "cyber monday": None, "mother's day": None, "mothers day": None,
            "pi day": (3, 14), "groundhog day": (2, 2), "earth day": (4, 22), "star wars day": (5, 4),
            "juneteenth": (6, 19), "bastille day": (7, 14), "veterans day": (11, 11), "veterans' day": (11, 11),
            "st patrick's": (3, 17), "st patricks day": (3, 17), "st. patrick's day": (3, 17)}
# days Easter moves with, by their distance from Easter Sunday
_FROM_EASTER = {"good friday": -2, "holy saturday": -1, "easter saturday": -1, "easter monday": 1, "palm sunday": -7,
                "shrove tuesday": -47, "pancake day": -47, "ash wednesday": -46}
# days Thanksgiving moves (the fourth Thursday of November), by their distance from it
_FROM_THANKSGIVING = {"black friday": 1, "cyber monday": 4}
# a few days either side: people say "at christmas" of the days around it; midsummer is kept from June 19 to 25
_HOLIDAY_SPREAD = {"christmas": 3, "xmas": 3, "easter": 3, "new year": 2, "midsummer": 3, "midsummer's eve": 3,
                   "midsummer eve": 3, "thanksgiving": 2}


# (weekday, month, which): holidays on the nth (or last, -1) weekday of a month, as in the US
_NTH_WEEKDAY = {"memorial day": (0, 5, -1), "labor day": (0, 9, 1), "father's day": (6, 6, 3), "fathers day": (6, 6, 3),
                "mother's day": (6, 5, 2), "mothers day": (6, 5, 2)}  # Mother's Day as in the US


def _movable(name: str, year: int) -> date:
    """Easter (dateutil's computus), the days it moves, and US holidays on a weekday of a month (Thanksgiving and the
    days after it, Memorial Day, Labor Day, Mother's and Father's Day)."""
    if name.startswith("easter") or name in _FROM_EASTER:
        from dateutil.easter import easter

        return easter(year) + timedelta(days=_FROM_EASTER.get(name, 0))
    if name in _FROM_THANKSGIVING:  # Black Friday, Cyber Monday
        return _movable("thanksgiving", year) + timedelta(days=_FROM_THANKSGIVING[name])
    weekday, month, nth = _NTH_WEEKDAY.get(name, (3, 11, 4))  # US Thanksgiving: the fourth Thursday of November
    if nth < 0:  # Memorial Day: the last Monday of May
        last = date(year, month, calendar.monthrange(year, month)[1])
        return last - timedelta(days=(last.weekday() - weekday) % 7)
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (nth - 1))


def _holiday_on(name: str, year: int) -> date:
    """The day a named holiday falls on in `year`."""
    return _movable(name, year) if HOLIDAYS[name] is None else date(year, *HOLIDAYS[name])


_HOLIDAY_NAMES = "|".join(re.escape(h) for h in sorted(HOLIDAYS, key=len, reverse=True))  # the longest name first
_HOLIDAY = re.compile(r"\b(?:(?:(?:the\s+|a\s+few\s+|a\s+couple\s+(?:of\s+)?|few\s+|several\s+)?(?P<unit>week|weekend|day|days)\s+|(?P<just>just|right|shortly|a\s+bit|a\s+little)"
                      r"\s+)?(?P<rel>before|after)\s+|(?P<near>(?:from|since)\s+(?:around|about)|around|over|at|on|"
                      r"from|since|during|for)\s+(?:the\s+)?)?(?P<name>" +
                      _HOLIDAY_NAMES + r")(?P<weekend>\s+(?:long\s+)?weekend\b)?(?!\s*(?:tree|card|jumper"
                      r"|sweater|lights?|market|decorations?|costume|pumpkin|hat|eve|day|roast|special|display|float|"
                      + "|".join(sorted(_EVENTS)) + r")\b)")  # "the christmas tree", "the fourth of july parade"


_WEEKDAY_RE = "|".join(WEEKDAYS)
_WEEKDAY_AROUND_HOLIDAY = re.compile(rf"\b(?:on\s+)?(?:the\s+)?(?P<day>{_WEEKDAY_RE})\s+(?P<rel>before|after)\s+(?:the\s+)?"
                                     rf"(?P<name>{_HOLIDAY_NAMES})\b")
_WEEKDAY_OF_MONTH = re.compile(rf"\b(?:on\s+)?(?:the\s+)?(?:very\s+)?(?P<nth>first|1st|second|2nd|third|3rd|fourth|4th|last)\s+"
                               rf"(?P<day>{_WEEKDAY_RE})\s+(?:of|in)\s+(?:(?P<which>this|last|the)\s+)?(?P<month>{_MONTH_RE})\b")


def _holiday_said(name: str, text: str, end: int, now: date) -> tuple[date, int]:
    """The day of a holiday named in `text` up to `end`, and where its mention ends: in the year said after it ("on
    valentine's day last year", "at christmas 2024"), or else its latest occurrence up to `now`."""
    which = _HOLIDAY_YEAR.match(text, end)
    if which:
        return _holiday_on(name, int(which["year"]) if which["year"] else now.year - (which["which"] == "last")), which.end()
    day = _holiday_on(name, now.year)
    return (day if day <= now else _holiday_on(name, now.year - 1)), end


def _weekdays(start: date, end: date, weekday: int) -> list[date]:
    """The days from `start` to `end` that fall on `weekday` (Monday 0)."""
    return [d for d in (start + timedelta(days=i) for i in range((end - start).days + 1)) if d.weekday() == weekday]


def _weekday_around_holiday(m: re.Match, text: str, now: date) -> TimeWindow:
    """"the saturday after easter (last year)": the first such weekday after (or the last before) the holiday's
    latest occurrence up to `now`, or in the year said."""
    holiday, end = _holiday_said(m["name"], text, m.end(), now)
    step = 1 if m["rel"] == "after" else -1
    day = holiday + timedelta(days=step)
    while day.weekday() != WEEKDAYS[m["day"]]:
        day += timedelta(days=step)
    return _range(text[m.start():end], day, day, (m.start(), end))


# a school or work break by its season: (first month, day), (last month, day); a break over new year ends in January
_BREAKS = {"christmas": ((12, 19), (1, 4)), "xmas": ((12, 19), (1, 4)), "winter": ((12, 19), (1, 4)),
           "summer": ((6, 20), (9, 4)), "spring": ((3, 20), (4, 15)), "easter": ((3, 20), (4, 20))}
_BREAK = re.compile(r"\b(?:(?P<just>just|right|shortly)\s+)?(?:(?P<rel>before|after)\s+)?(?:over\s+|during\s+|in\s+|on\s+)?"
                    r"(?:the\s+|my\s+|our\s+)?(?P<name>" + "|".join(_BREAKS) + r")\s+(?:break|holidays?|hols|vacation|recess)\b")


def _school_break(m: re.Match, now: date) -> TimeWindow:
    """"over the summer holidays", "just before the christmas break": the latest such break begun by `now`; "just
    before"/"after" a week either side of it, "before"/"after" alone half a year."""
    (m1, d1), (m2, d2) = _BREAKS[m["name"]]
    year = now.year if date(now.year, m1, d1) <= now else now.year - 1
    start = date(year, m1, d1)
    end = date(year + (m2 < m1), m2, d2)
    if m["rel"]:
        days = 7 if m["just"] else 183
        start, end = (start - timedelta(days=days), start - timedelta(days=1)) if m["rel"] == "before" else \
            (end + timedelta(days=1), end + timedelta(days=days))
    return _range(m[0], start, end, m.span())


# "in that week between christmas and new year": from the first day to the second, the latest such stretch
_BETWEEN = re.compile(r"\b(?:(?:in\s+|during\s+)?(?:that|the)\s+(?:week|weeks|gap|stretch|time|period|bit|days)\s+)?between\s+"
                      r"(?:the\s+)?(?P<first>" + _HOLIDAY_NAMES + r")\s+and\s+(?:the\s+)?(?P<second>" + _HOLIDAY_NAMES +
                      r")(?:['’]s)?\b")


def _between(m: re.Match, now: date) -> TimeWindow:
    year = now.year
    while _holiday_on(m["first"], year) > now:
        year -= 1
    start = _holiday_on(m["first"], year)
    end = _holiday_on(m["second"], year)
    end = end if end >= start else _holiday_on(m["second"], year + 1)
    return _range(m[0], start, end, m.span())


_HOLIDAY_YEAR = re.compile(r"\s*,?\s+(?:(?:of\s+)?(?P<which>last|this)\s+year|(?:in\s+)?(?P<year>(?:19|20)\d\d))\b")


def _holiday(m: re.Match, text: str, now: date) -> TimeWindow | None:
    """"on valentine's day", "the week before halloween", "made at christmas": the holiday's latest occurrence
    up to `now`; only as a cue about the checkpoint (a verb of making or using near it, "from", or a week
    before/after), never the picture's ("a cat on christmas day")."""
    near = (m["near"] or "").split()
    if not m["rel"] and near[:1] not in (["from"], ["since"]) and _field(text, m.start("name"), m.end()) == "any" \
            and _word_after(text, m.end()) not in _CUE_NEXT:  # "the valentine's day one"
        return None
    bare = m["rel"] and not m["unit"] and not m["just"]  # "the last thing i trained before new year"
    if bare and _field(text, m.start(), m.end()) == "any":
        return None  # "a dog before christmas": not about the checkpoint
    name = m["name"]
    day, m_end = _holiday_said(name, text, m.end(), now)
    loose = near[-1:] in (["around"], ["about"])  # "around christmas", "from about easter"
    if m["rel"]:
        days = 1 if m["unit"] == "day" else 6 if m["unit"] == "days" else 183 if bare else 7  # "a few days before"
        start, end = (day - timedelta(days=days), day - timedelta(days=1)) if m["rel"] == "before" else \
            (day + timedelta(days=1), day + timedelta(days=days))
    else:
        spread = timedelta(days=10 if loose else 3 if m["weekend"] else _HOLIDAY_SPREAD.get(name, 1))  # "memorial day
        # weekend": the days around it
        return replace(_range(text[m.start():m_end], day - spread, day + spread,
                              (m.start() if loose else m.start("name"), m_end)), day=day.isoformat())
    return _range(text[m.start():m_end], start, end, (m.start(), m_end))


# words after which a bare "today" dates a checkpoint: "the one from today", "made today", "used today"
_TODAY_AFTER = frozenset("from of since made trained used created built ran run uploaded did added one ones".split())


def find_time(text: str, original: str, now: date, style_words: set[str] = frozenset(),
              names: set[str] = frozenset()) -> TimeWindow | None:
    """The first time expression in lowercase `text`, or None; one past the calendar's ends ("99999999 days
    ago", "last week" on 0001-01-01) is a window no day falls in, so nothing meets it."""
    try:
        joined = re.sub(r"(?<=[a-z])-(?=[a-z])", " ", text)  # "the week-before-christmas one": the words, same spans
        return _find_time(joined, original, now, style_words, names)
    except (OverflowError, ValueError):
        return OUT_OF_RANGE


# start after end: `contains` is False for every day
OUT_OF_RANGE = TimeWindow("a date outside the calendar (years 1 to 9999)", date.max.isoformat(), date.min.isoformat())


_QUARTERS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4, "last": 4}
# a part of a year: "the first three months of 2025", "the second half of last year", "early 2025", "the end of 2024"
_PART_OF_YEAR = re.compile(
    rf"\b(?:the\s+)?(?:(?P<months>first|last|final)\s+(?P<n>{_NUM_RE})\s+months|(?P<half>first|1st|second|2nd|last|latter)"
    r"\s+half|(?P<quarter>first|1st|second|2nd|third|3rd|fourth|4th|last)\s+quarter|(?P<edge>early|late|start|beginning|end))"
    r"(?:\s+of)?\s+(?:(?P<year>(?:19|20)\d\d)|(?P<which>this|last)\s+year)\b")


def _find_time(text: str, original: str, now: date, style_words: set[str] = frozenset(),
               names: set[str] = frozenset()) -> TimeWindow | None:
    """`names`: words that name a checkpoint ("June" the grandmother): such a month counts only after "in",
    "from", "since", "during", "of", before "one"/"version"/..., or with "last"/"this"/a year."""
    found: list[TimeWindow] = []

    def add(window: TimeWindow) -> None:
        if not any(window.span[0] < w.span[1] and w.span[0] < window.span[1] for w in found):
            found.append(window)

    for m in re.finditer(r"\b(?:on\s+)?(?:the\s+)?(" + "|".join(WEEKDAYS) + r")(?:'s)?\s+(?:of\s+)?(?:last|the\s+previous)\s+week\b",
                         text):  # "on the Tuesday of last week", "tuesday last week": that day of the week before this one
        day = now - timedelta(days=now.weekday() + 7 - WEEKDAYS[m[1]])
        add(_range(m[0], day, day, m.span()))
    for m in re.finditer(r"\b(before|prior\s+to|earlier\s+than|since|after|later\s+than)\s+((?:19|20)\d\d)\b(?![-/])", text):
        year = int(m[2])  # "anything before 2025", "since 2024": a bound on the year
        if m[1].split()[0] in ("before", "prior", "earlier"):
            add(_range(m[0], date(1, 1, 1), date(year - 1, 12, 31), m.span()))
        else:
            add(_range(m[0], date(year + (m[1] != "since"), 1, 1), max(now, date(year, 12, 31)), m.span()))
    for m in _PART_OF_YEAR.finditer(text):  # "the first three months of 2025", "late last year", "early 2025"
        year = int(m["year"]) if m["year"] else now.year - (m["which"] == "last")
        n = (NUMBERS.get(m["n"]) or int(m["n"])) if m["n"] else 0
        if m["n"] and not 0 < n < 12:
            continue
        first, last = ((1, n) if m["months"] == "first" else (13 - n, 12)) if m["n"] else \
            (1, 6) if m["half"] in ("first", "1st") else (7, 12) if m["half"] else \
            (3 * _QUARTERS[m["quarter"]] - 2, 3 * _QUARTERS[m["quarter"]]) if m["quarter"] else \
            (1, 4) if m["edge"] in ("early", "start", "beginning") else (9, 12)
        add(_range(m[0], _month_range(year, first)[0], _month_range(year, last)[1], m.span()))
    for m in re.finditer(rf"\bbetween\s+({_MONTH_RE})\s+and\s+({_MONTH_RE})\b", text):  # "between march and may"
        first, last = _named_month(m[1], None, now)[0], _named_month(m[2], None, now)[1]
        if first > last:
            first = first.replace(year=first.year - 1)
        add(_range(m[0], first, last, m.span()))
    for m in re.finditer(rf"\b(?:(?:on|from)\s+)?the\s+(\d{{1,2}}(?:st|nd|rd|th)|{_ORD_WORDS})\s+of\s+(this|last)\s+month\b",
                         text):  # "on the 20th of this month", "the 3rd of last month"
        year, month = (now.year, now.month) if m[2] == "this" else _shift_months(now, 1)
        day_n = ordinal_value(m[1]) or 0
        if 1 <= day_n <= calendar.monthrange(year, month)[1]:
            add(_range(m[0], date(year, month, day_n), date(year, month, day_n), m.span()))
    for m in re.finditer(rf"\b(?:on\s+)?the\s+(first|last)\s+day\s+of\s+(?:(this|last|the)\s+)?({_MONTH_RE}|month)\b",
                         text):  # "on the last day of february": one day
        start, end = _named_month(m[3], m[2], now)
        day = start if m[1] == "first" else end
        add(_range(m[0], day, day, m.span()))
    for m in re.finditer(rf"\b(?:exactly\s+)?({_NUM_RE})\s+(day|week)s?\s+ago\s+(today|to\s+the\s+day|yesterday)\b", text):
        n = NUMBERS.get(m[1], None) or int(m[1])  # "a week ago today": that very day; "a week ago yesterday": the day
        day = now - timedelta(days=n * (7 if m[2] == "week" else 1) + (m[3] == "yesterday"))  # before it
        add(_range(m[0], day, day, m.span()))
    for m in re.finditer(rf"\b(?:the\s+)?(first|1st|second|2nd|last|latter)\s+half\s+of\s+(?:(this|last)\s+)?"
                         rf"({_MONTH_RE}|month)\b", text):
        start, end = _named_month(m[3], m[2], now)
        middle = start + timedelta(days=14)
        add(_range(m[0], start, middle, m.span()) if m[1] in ("first", "1st") else
            _range(m[0], middle + timedelta(days=1), end, m.span()))
    for m in re.finditer(rf"\b(?:the\s+)?(start|beginning|end|middle)\s+of\s+(?:(this|last|the)\s+)?"
                         rf"({_MONTH_RE}|month)\b", text):
        start, end = _named_month(m[3], m[2], now)
        if m[1] in ("start", "beginning"):  # its first week: "the start of the month" is not the 9th
            add(_range(m[0], start, start + timedelta(days=6), m.span()))
        elif m[1] == "end":
            add(_range(m[0], end - timedelta(days=6), end, m.span()))
        else:
            add(_range(m[0], start + timedelta(days=10), start + timedelta(days=19), m.span()))
    for m in re.finditer(rf"\b(early|mid|late)[\s-]+({_MONTH_RE})\b(?:,?\s+(\d{{4}}))?", text):  # "late july"
        start, end = _month_range(int(m[3]), MONTHS[m[2]]) if m[3] else _named_month(m[2], None, now)
        first = {"early": 1, "mid": 11, "late": 21}[m[1]]
        if not m[3] and start.replace(day=first) > now:  # "late may" on May 6th: last year's
            start, end = _month_range(start.year - 1, start.month)
        add(_range(m[0], start.replace(day=first), end if m[1] == "late" else start.replace(day=first + 9), m.span()))
    for m in re.finditer(rf"\b(?:the\s+)?(first|second|third|fourth|last)\s+(week|weekend)\s+(?:of|in)\s+"
                         rf"(?:(this|last|the)\s+)?({_MONTH_RE}|month)\b", text):  # "the first weekend of march"
        start, end = _named_month(m[4], m[3], now)
        if m[2] == "week":
            first = end - timedelta(days=6) if m[1] == "last" else start + timedelta(days=7 * (ordinal_value(m[1]) - 1))
            add(_range(m[0], first, min(first + timedelta(days=6), end), m.span()))
        else:
            saturdays = _weekdays(start, end, 5)
            saturday = saturdays[-1] if m[1] == "last" else saturdays[ordinal_value(m[1]) - 1]
            add(_range(m[0], saturday - timedelta(days=1), saturday + timedelta(days=1), m.span()))
    for m in _WEEKDAY_AROUND_HOLIDAY.finditer(text):  # "on the saturday after easter last year": that one day
        add(_weekday_around_holiday(m, text, now))
    for m in _WEEKDAY_OF_MONTH.finditer(text):  # "the very last friday of october", "the first monday in march"
        start, end = _named_month(m["month"], m["which"], now)
        days = _weekdays(start, end, WEEKDAYS[m["day"]])
        day = days[-1] if m["nth"] == "last" else days[ordinal_value(m["nth"]) - 1] if ordinal_value(m["nth"]) <= len(days) else None
        if day is not None:
            add(_range(m[0], day, day, m.span()))
    for m in _BREAK.finditer(text):
        if m["rel"] or _field(text, *m.span()) != "any" or _word_before(text, m.start()) in ("from", "since"):
            add(_school_break(m, now))  # not "a dog on his summer holidays": the picture's
    for m in _BETWEEN.finditer(text):
        add(_between(m, now))
    for m in _HOLIDAY.finditer(text):
        window = _holiday(m, text, now)
        if window is not None:
            add(window)
    for m in re.finditer(rf"\b(?:in\s+|over\s+|during\s+)?(?:the\s+)?(?:last|past)\s+({_NUM_RE})\s+(day|week|month)s?\b", text):
        n = NUMBERS.get(m[1], None) or int(m[1])
        days = {"day": 1, "week": 7, "month": 31}[m[2]] * min(n, 400)
        add(_range(m[0], now - timedelta(days=days), now, m.span()))
    for m in re.finditer(rf"\b(?:on\s+the\s+(\d{{1,2}}(?:st|nd|rd|th)|{_ORD_WORDS})|from\s+the\s+(\d{{1,2}}(?:st|nd|rd|th)))\b"
                         rf"(?!\s+(?:of\s+)?(?:{_MONTH_RE})\b)(?!\s+(?!(?:i|we|and|or|at|in|with|when)\b)[a-z]{{2,}})",
                         text):  # "on the 21st", "from the 3rd", "on the fifth"; not "on the first day of school"
        day_n = ordinal_value(m[1] or m[2]) or 0
        year, month = now.year, now.month
        if day_n > now.day:
            year, month = _shift_months(now, 1)
        if 1 <= day_n <= calendar.monthrange(year, month)[1]:
            day = date(year, month, day_n)
            add(_range(m[0], day, day, m.span()))
    for m in re.finditer(rf"\b({_MONTH_RE})\s+(?:of\s+)?(this|last)\s+year\b", text):
        year = now.year if m[2] == "this" else now.year - 1
        start, end = _month_range(year, MONTHS[m[1]])
        add(_range(m[0], start, end, m.span()))
    for m in re.finditer(r"\b(\d{4})-(\d{2})-(\d{2})\b", text):
        try:
            day = date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            continue
        add(_range(m[0], day, day, m.span()))
    for m in re.finditer(r"\b(\d{1,2})/(\d{1,2})(?:/(\d{4}|\d{2}))?\b(?!/)", text):
        if (day := _numeric_day(m, text, now)) is not None:  # "the thing I used on 4/20", "trained 25/12/2025"
            add(_range(m[0], day, day, m.span()))
    for m in re.finditer(rf"\b(?:({_DAY_RE})\s+(?:of\s+)?({_MONTH_RE})|({_MONTH_RE})\.?\s+(?:the\s+)?({_DAY_RE}))\b"
                         rf"(?:,?\s+(\d{{4}}))?", text):
        day_word, month_n = (m[1], m[2]) if m[1] else (m[4], m[3])
        nxt = _thing_after(text, m.end())
        if not m[5] and nxt and _field(text, *m.span()) == "any" \
                and (_word_before(text, m.start()) in ("a", "an", "the") or nxt in _EVENTS):
            continue  # "the fourth of july parade", "a july 4th road trip": the day of the picture's event
        if month_n in names and m[1] and not m[5] and not re.search(r"\sof\s", m[0]) \
                and _field(text, *m.span()) == "any":
            continue  # "the third June at the market": the third version of June, whom the repository names
        day_n = int(day_word) if day_word.isdigit() else ordinal_value(day_word)  # "5", "5th", "fifth"
        year = int(m[5]) if m[5] else None
        month = MONTHS[month_n]
        try:
            day = date(year or now.year, month, int(day_n or 0))
            if year is None and day > now:
                day = date(now.year - 1, month, int(day_n))
        except ValueError:
            continue
        add(_range(m[0], day, day, m.span()))
    for m in re.finditer(r"\b(?:the\s+)?day before yesterday\b", text):
        add(_range(m[0], now - timedelta(days=2), now - timedelta(days=2), m.span()))
    for m in re.finditer(r"\b(?:yesterday(?:'s)?|last night)\b", text):
        add(_range(m[0], now - timedelta(days=1), now - timedelta(days=1), m.span()))
    for m in re.finditer(r"\b(?:today(?:'s)?|tonight|this (?:morning|afternoon|evening))\b", text):
        before = re.findall(r"[a-z']+", text[max(0, m.start() - 24):m.start()])[-1:]
        if m[0] == "today" and not (before and (before[0] in _TODAY_AFTER or before[0].endswith("ed"))):
            continue  # "i don't want rex today": when the speaker asks, not when a checkpoint was made or used
        add(_range(m[0], now, now, m.span()))
    for m in re.finditer(r"\bthe\s+other\s+(day|week)\b", text):  # "the other day": a few days ago; "the other week":
        # one to three weeks ago
        start, end = (now - timedelta(days=6), now - timedelta(days=1)) if m[1] == "day" else \
            (now - timedelta(days=24), now - timedelta(days=5))
        if _field(text, *m.span()) != "any" or m.start() < 40 and re.search(r"\b(?:i|we)\b", text[:m.start()]):
            add(_range(m[0], start, end, m.span()))  # not "Rex, like the other day, on a beach" without a cue
    for m in re.finditer(r"\b(?:a|one)\s+fortnight\s+ago\b", text):  # two weeks, as "2 weeks ago" reads
        add(_range(m[0], now - timedelta(days=17), now - timedelta(days=11), m.span()))
    for m in re.finditer(rf"\b(?:(?:about|around|roughly|almost|nearly|like)\s+)?(?:({_NUM_RE})\s+(day|week|month|year)s?(?:\s+or\s+so)?\s+(?:ago|back)|(?:go\s+)?back\s+({_NUM_RE})\s+"
                         rf"(day|week|month|year)s?)\b", text):  # "3 days ago", "about a week back", "go back ten days"
        said, unit = (m[1], m[2]) if m[1] else (m[3], m[4])
        n = NUMBERS.get(said, None) or int(said)
        fuzzy = said in ("a few", "few", "several", "a couple of", "couple of")
        if unit == "day":
            start, end = (now - timedelta(days=n + 3), now - timedelta(days=max(n - 1, 1))) if fuzzy else (now - timedelta(days=n),) * 2
        elif unit == "week":
            start, end = now - timedelta(days=7 * n + 3), now - timedelta(days=max(7 * n - 3, 0))
        elif unit == "month":
            start, end = _month_range(*_shift_months(now, n))
        else:
            start, end = date(now.year - n, 1, 1), date(now.year - n, 12, 31)
        add(_range(m[0], start, end, m.span()))
    for m in re.finditer(r"\b(?:the\s+)?(?:(this|last|past|previous)\s+weekend|(week|weekend)\s+before\s+last)(?:'s)?\b"
                         r"|\b(?:at|over|on)\s+the\s+weekend\b(?!\s+(?:before|after))", text):
        # "last weekend", "the weekend before last", "the week before last"; "what I used at the weekend": the latest
        if not m[1] and not m[2] and _field(text, *m.span()) == "any":
            continue  # "Rex at the beach at the weekend": when the picture is set
        if m[2] == "week":
            start, end = (d - timedelta(days=7) for d in _last_week(now))
        else:
            saturday = now - timedelta(days=(now.weekday() - 5) % 7)  # the latest Saturday, today's included
            on_weekend = now.weekday() >= 5  # then "last weekend" is the one before this one
            weeks_back = (1 + on_weekend) if m[2] else int(on_weekend and m[1] not in ("this", None))
            saturday -= timedelta(days=7 * weeks_back)
            start, end = saturday - timedelta(days=1), saturday + timedelta(days=1)  # Friday evening to Sunday
        add(_range(m[0], start, end, m.span()))
    for m in re.finditer(r"\b(this|last|past|previous)\s+(week|month|year)(?:'s)?\b", text):
        which, unit = m[1], m[2]
        if unit == "week":
            start, end = (now - timedelta(days=now.weekday()), now) if which == "this" else (
                (now - timedelta(days=7), now) if which == "past" else _last_week(now))
        elif unit == "month":
            start, end = (date(now.year, now.month, 1), now) if which == "this" else (
                (now - timedelta(days=31), now) if which == "past" else _month_range(*_shift_months(now, 1)))
        else:
            start, end = (date(now.year, 1, 1), now) if which == "this" else (
                (now - timedelta(days=365), now) if which == "past" else (date(now.year - 1, 1, 1), date(now.year - 1, 12, 31)))
        add(_range(m[0], start, end, m.span()))
    for m in re.finditer(r"\b(?:(last|this)\s+)?(" + "|".join(WEEKDAYS) + r")(?:'s)?(\s+before\s+last)?\b", text):
        if not m[1] and re.search(r"\b(?:a|an|every|each)\s+(?:[a-z]+\s+)?$", text[:m.start()]):
            continue  # "on a wet tuesday": any Tuesday, the picture's; "who comes in every Tuesday": a habit
        if not m[1] and _purpose(text, *m.span()):
            continue  # "a banner for Saturday": the day the picture is for
        if not m[1] and _word_before(text, m.start()) in _OWNING and _thing_after(text, m.end()):
            continue  # "reading the Sunday paper", "in his Sunday best": a thing in the picture
        if not m[1] and m[0].endswith("'s") and _thing_after(text, m.end()) and _field(text, *m.span()) == "any" \
                and not _CUE_NEXT & set(re.findall(r"[a-z]+", text[m.end():m.end() + 30])[:3]):  # not "Monday's dog model"
            continue  # "a poster announcing Tuesday's show": the show's day, in the picture
        back = (now.weekday() - WEEKDAYS[m[2]]) % 7
        if back == 0 and (m[1] == "last" or m[3]):
            back = 7
        back += 7 if m[3] else 0  # "the saturday before last": the one before the latest
        day = now - timedelta(days=back)
        add(_range(m[0], day, day, m.span()))
    for m in re.finditer(rf"\b(?:(last|this)\s+)?({_MONTH_RE})\b\.?(?:,?\s+(?:of\s+)?(\d{{4}}))?", text):
        word = m[2]
        if not _is_selection_cue(text, original, m.start(2), m.end(2), word, style_words):
            continue
        after = _word_after(text, m.end(2))
        if after == "'s":  # "June's second version" is hers; "june's build" the month's
            after = _word_after(text, m.end(2) + 2) if word in names else after
            after = after if after not in ("version", "one", "ones") else ""
        if word in names and not (m[1] or m[3]) and _word_before(text, m.start(2)) not in _MONTH_PREV \
                and after not in _CUE_NEXT:
            continue  # "june reading a paperback": June is who is drawn
        month = MONTHS[word]
        if m[3] or m[1]:
            year = int(m[3]) if m[3] else (now.year if (m[1] == "this" or month < now.month) else now.year - 1)
            start, end = _month_range(year, month)
            add(_range(m[0], start, end, m.span()))
        else:
            add(TimeWindow(m[0], months=(month,), span=m.span()))
    for m in re.finditer(r"\b(?:(last|this)\s+)?(spring|summer|autumn|fall|winter)\b(?:\s+(\d{4}))?", text):
        if not m[3] and not _is_selection_cue(text, original, m.start(2), m.end(2), m[2], style_words):
            continue  # "summer 2025" is always a date
        months = SEASONS[m[2]]
        if m[1] or m[3]:
            # "last spring": the spring most recently over (this year's, once it has ended)
            ended = date(now.year, months[-1], calendar.monthrange(now.year, months[-1])[1]) < now
            year = int(m[3]) if m[3] else now.year - (1 if m[1] == "last" and not ended else 0)
            start = _month_range(year - (1 if m[2] == "winter" else 0), months[0])[0]
            end = _month_range(year, months[-1])[1]
            add(_range(m[0], start, end, m.span()))
        else:
            add(TimeWindow(m[0], months=months, span=m.span()))
    for m in re.finditer(r"\b(?:in |from |since )?((?:19|20)\d{2})\b", text):
        year = int(m[1])
        if year < _FIRST_CHECKPOINT_YEAR and _field(text, *m.span()) == "any":
            continue  # "a wedding photo from 1952": the picture's era; no checkpoint was trained then
        add(_range(m[0], date(year, 1, 1), date(year, 12, 31), m.span()))

    if not found:
        return None
    first = min(found, key=lambda w: w.span[0])
    said = re.search(r"\b(?:earlier|later)\s+$", text[:first.span[0]])
    if said:  # "earlier this month": the same window, its lead word a part of the phrase
        first = replace(first, label=text[said.start():first.span[1]], span=(said.start(), first.span[1]))
    bound = re.search(r"\b(?:from\s+)?(before|after|since|until|till|prior\s+to)\s+$", text[:first.span[0]])
    if bound and first.start and first.end:  # "the marigold from before this summer": up to the window, or from it
        start, end = date.fromisoformat(first.start), date.fromisoformat(first.end)
        if bound[1] in ("before", "prior to"):
            start, end = date.min, start - timedelta(days=1)
        elif bound[1] in ("until", "till"):
            start = date.min
        else:
            start, end = (end + timedelta(days=1) if bound[1] == "after" else start), max(now, end)
        first = _range(text[bound.start():first.span[1]], start, end, (bound.start(), first.span[1]))
    return replace(first, label=first.label.strip(), field=_field(text, *first.span))
