"""Trigger mapping: rewrite the request into the image prompt for the chosen checkpoint.

    "paint my dog from last week on a beach"  →  "paint <biscuit-v3> on a beach"
    "a castle at dusk, the April build" (style) →  "a castle at dusk, in <swirl-v2> style"

The noun phrase that refers to the subject is replaced by the canonical trigger
(modifiers such as "fluffy" stay, "my"/"the" go), every other word is kept,
pure selection cues are dropped, and a trigger is never inserted twice.
"""
from __future__ import annotations

import re

from agent.concepts import is_style_checkpoint
from agent.conversation import CLAUSE_BREAK, FRAME, SPEAKER, has_content
from agent.intent import SWAPPED, strip_cues
from agent.lexicon import unmarked_owner, wordnet_senses
from agent.mention import Intent
from agent.telling import told_apart
from agent.vocab import DEFINITES, GENERIC, POSSESSIVES, normalize_noun, normalize_phrase, strip_name
from repo_store.schema import Checkpoint


def _same_thing(mention, ckpt: Checkpoint) -> bool:
    """Whether `mention` names the chosen checkpoint itself ("biscuit" beside "<biscuit-v3>")."""
    if mention.kind == "trigger":
        return mention.term in {t.lower() for t in ckpt.triggers}
    if mention.kind in ("name", "partial"):
        return mention.term == normalize_phrase(strip_name(ckpt.name))
    return mention.kind in ("subject", "synonym") and mention.term in {normalize_phrase(s) for s in ckpt.subjects}


# words before a subject word that make it more of its kind in the picture ("lots of other dogs", "two cats")
_OTHERS_BEFORE = re.compile(r"\b(?:other|more|some|many|several|few|two|three|four|five|lots\s+of|plenty\s+of)\s+"
                            r"(?:[a-z-]+\s+)?$")


def _named_after(request: str, m, subject) -> int:
    """Where a second name for the chosen one ends: with "named"/"called" when the name follows ("the woofer named
    Bramble": all of it says who)."""
    if subject is not None and m.end <= subject.np_start \
            and re.fullmatch(r"\s+(?:named|called)\s+", request[m.end:subject.np_start], re.I):
        return subject.np_start
    return m.end


def _others_in_scene(request: str, m, subject) -> bool:
    """Whether the subject word `m` is more of its kind in the picture, not a second name for the chosen one:
    "lots of other dogs", "surrounded by worker bees" (a plural without determiner beside a named subject), or a bare
    word away from the named subject ("rex v1 pls. dog park", "car chase scene w rocket2": another sentence or a
    compound of its own)."""
    if m.kind not in ("subject", "synonym", "class"):
        return False  # "<biscuit-v2>, hi could you make biscuit on a boat": the name again, a cue
    if _OTHERS_BEFORE.search(request[:m.np_start].lower()) or _OTHERS_BEFORE.search(request[m.np_start:m.start].lower()):
        return True  # "Rex and the other dog": another one beside him
    after = re.match(r"\s+([a-z]+)", request[m.end:].lower())
    if after and f"{m.text.lower()} {after[1]}" in wordnet_senses():
        return True  # "from the pet shop", "a bag of dog food": a compound of its own
    if subject is None or subject.kind not in ("name", "partial", "trigger") or m.det != "none":
        return False
    plural = normalize_noun(m.text.lower().split()[-1]) != m.text.lower().split()[-1]
    gap = request[subject.end:m.np_start] if subject.end <= m.np_start else request[m.end:subject.np_start]
    return plural or re.search(r"[.;:!?]|\w+\W+\w+", gap) is not None


def _style_phrase(request: str, intent: Intent) -> tuple[int, int] | None:
    """The span of "in my raku look", "in the ink style": a style named after "in", with its determiner and
    a trailing style word."""
    low = request.lower()
    for start, end in intent.style_spans:
        before = re.search(r"\bin\s+(?:(?:the|my|our|a|an|that|this|your)\s+)?$", low[:start])
        after = re.match(r"\s+(?:style|look|aesthetic|vibe|finish|edit|filter|preset)\b", low[end:])
        if before:
            return before.start(), end + (after.end() if after else 0)
        lead = re.fullmatch(r"\s*(?:(?:the|my|our)\s+)?(?:[a-z-]+\s+){0,2}", low[:start])  # "the white chalk
        if lead and not any(m.start < start for m in intent.mentions):  # lettering for a menu": the style opens it
            return 0, end + (after.end() if after else 0)
    return None


# "one" after the subject's noun only says which ("the lake one again"), unless it starts words of its own
_ONE_AFTER = re.compile(r"(?:\s+(?:one|version)\b(?!\s+(?:of|day|time|more|another|by|last|sunny|morning|evening|night|afternoon)\b)"
                        r"(?![-'’]))?(?:\s+again\b)?", re.I)


def _shift(spans: list[tuple[int, int]], at: int, delta: int) -> list[tuple[int, int]]:
    return [(s + delta, e + delta) if s >= at else (s, e) for s, e in spans]


# a clause built on words that address the assistant or speak of the asker is conversation, not picture
# ("thanks for your help", "I was wondering if you could generate ..."): `conversation.SPEAKER`
_CLAUSE_BREAK = re.compile(f"({CLAUSE_BREAK.pattern})")  # `conversation.CLAUSE_BREAK`, captured: split() keeps it
_LEAD_WORDS = 4  # a request frame opens its clause: the speaker word comes within its first words


def _speaks(words: list[str]) -> bool:
    return any(SPEAKER.match(w.lower().strip("\"'()")) for w in words)


def _frames(lead: str) -> bool:
    """Whether the words before the trigger are a request frame and nothing else ("would love to see",
    "would it be possible to see the")."""
    words = [w for w in re.findall(r"[a-z'’]+", lead.lower()) if w not in _FILLER_WORDS]
    if not words:
        return bool(lead.strip())  # "so <x> holding balloons": only fillers before the trigger
    if set(words) & _PICTURE_WORDS and set(words) <= _PICTURE_WORDS | {"a", "an", "new"}:
        return True  # "a picture <x>" once "of our dog" went with the subject: a picture of what is left unsaid
    if words[0] == "use" and all(w in DEFINITES | POSSESSIVES for w in words[1:]):
        return True  # "use <x> for some fishing boats": which checkpoint, not what is drawn
    joined = " ".join(words)
    if words[0] in _WISH_VERBS:
        joined = "i " + joined  # "(we) want a picture of <x>": the speaker word went with the clause before
    frame = FRAME.match(joined)
    if not frame or frame.group(0).split()[0] not in _FRAME_OPENERS and not frame.group("relayed"):
        return False  # "paint <x> on a beach": a bare verb is the picture's own ("mum wants <x>": a relayed wish frames)
    return not [w for w in joined[frame.end():].split() if w not in DEFINITES | POSSESSIVES
                                 and w not in ("a", "an", "picture", "pic", "image", "photo", "of", "me", "us")]


def _frame_end(lead: str) -> int:
    """Where a request frame that opens `lead` ends (0 when none does): "would it be possible to generate ",
    "generate ", "to make " (a verb that only asks for a picture; a bare "paint" or "draw" may be the picture's own)."""
    fillers = re.match(r"(?:\s*\b(?:" + "|".join(_FILLER_WORDS) + r")\b[\s,]*)*", lead, re.I)
    start = fillers.end() if fillers else 0
    frame = FRAME.match(lead.lower(), start)
    if frame and (frame.group(0).split()[0] in _FRAME_OPENERS or frame.group("relayed")):
        return frame.end()
    wish = re.match(r"(?:just\s+|really\s+)?(" + "|".join(_WISH_VERBS) + r")\b", lead[start:], re.I)
    if wish:  # "need a pic of the ...": the "i" left out
        said = "i " + lead[start + wish.start(1):].lower()
        frame = FRAME.match(said)
        if frame and frame.end() > len("i ") + len(wish[1]):
            return start + wish.start(1) + frame.end() - len("i ")
    bare = re.match(r"(?:to\s+(?:make|draw|paint|do|show|generate|create|render|produce)|generate|create|render|produce|use)"
                    r"\b\s*", lead[start:], re.I)
    return start + bare.end() if bare else 0


# what is left of "but for this one I want <x>" once the frame has gone
_LEFT_OF_THIS_ONE = re.compile(r"\s*(?:(?:but|and|so)\s+)?(?:for\s+)?this(?:\s+(?:one|time|picture|pic|image))?\s*,?\s*", re.I)
_FRAME_OPENERS = frozenset("would could can will is any i i'd id i’d we we'd we’d hoping i'm im the fancy".split()) | POSSESSIVES
_WISH_VERBS = frozenset("want need wanna wish hope".split())
_PICTURE_WORDS = frozenset("picture pic image photo drawing painting".split())
_FILLER_WORDS = frozenset("ok okay so hi hey hello oh um well please pls just and but also then".split())


def _unpaired_brackets_dropped(text: str) -> str:
    """`text` without a round bracket whose partner a dropped cue took with it."""
    opened: list[int] = []
    unpaired: set[int] = set()
    for i, char in enumerate(text):
        if char == "(":
            opened.append(i)
        elif char == ")":
            if opened:
                opened.pop()
            else:
                unpaired.add(i)
    unpaired.update(opened)
    if not unpaired:
        return text
    return re.sub(r"\s{2,}", " ", "".join(c for i, c in enumerate(text) if i not in unpaired)).strip()


def drop_conversation(prompt: str, trigger: str) -> str:
    """Clauses of the prompt that talk to the assistant, not about the picture, are dropped: a clause without
    the trigger that has a speaker word and no content word, and a request frame that opens the trigger's own
    clause."""
    parts = _CLAUSE_BREAK.split(prompt)
    pieces, breaks = parts[::2], parts[1::2]
    kept: list[str] = []
    for i, clause in enumerate(pieces):
        words = clause.split()
        at = clause.lower().find(trigger.lower())
        if at < 0:
            if words and _speaks(words) and not has_content(clause):
                continue
        else:
            before = clause[:at].split()
            if before and (_speaks(before[:_LEAD_WORDS]) or _frames(clause[:at]) or _LEFT_OF_THIS_ONE.fullmatch(clause[:at])):
                clause = clause[at:]
            elif before:  # "would it be possible to generate the backyard <x>": the frame goes, its modifiers stay
                clause = clause[_frame_end(clause[:at]):]
        if clause.strip():
            kept.append(clause.strip() + (breaks[i] if i < len(breaks) else ""))
    text = _unpaired_brackets_dropped("".join(kept).strip())  # "<june-v1> ( at the door" once the aside has gone
    text = re.sub(r"([,.;:!?])[,.;:!?]+", r"\1", text)  # "on a beach?!" once "Thank you!" has gone
    return re.sub(r"[\s,;:.!?–—-]+$", "", text) or prompt


def map_prompt(intent: Intent, ckpt: Checkpoint, telling: frozenset[str] = frozenset()) -> str:
    """The request rewritten for `ckpt`; `telling` are the details that chose it over its other versions."""
    return drop_conversation(_map_prompt(intent, ckpt, telling), ckpt.trigger)


def _map_prompt(intent: Intent, ckpt: Checkpoint, telling: frozenset[str]) -> str:
    request = intent.request
    trigger = ckpt.trigger
    style = is_style_checkpoint(ckpt)
    cues = list(intent.cue_spans) + told_apart(intent, ckpt, telling)
    subject = intent.subject
    if subject is not None and subject.end <= subject.start:
        subject = None  # a subject named only in an answer: the trigger goes first
    if subject is not None and style and subject.det == "indefinite" and not _same_thing(subject, ckpt):
        subject = None  # "a woman at a market stall in my raku look": the style draws her
    cues += [(m.np_start, _named_after(request, m, subject)) for m in intent.mentions if m is not subject and _same_thing(m, ckpt)
             and not m.scene and not m.negated and not m.text.lower().endswith(("'s", "’s"))
             and not re.search(r"\b(?:as|like)\s+$", request[:m.np_start].lower())  # "<x> as an anime mascot": a role
             and m.det != "indefinite"  # "Growler pulling a long freight train": another one, in the picture
             and not re.search(r"\b(?:a|an|another)\s+(?:[a-z-]+\s+){1,2}$", request[:m.np_start].lower())
             and (subject is None or not (subject.np_start <= m.start < subject.end))
             and not _others_in_scene(request, m, subject)]

    if subject is not None and intent.pronoun is not None:
        # "the vase cracked last week - can I see it on a mantelpiece": the subject is named in a clause around
        # the picture, which leaves the prompt; the pronoun that stands for it becomes the trigger
        start, end = intent.pronoun
        head = trigger + (" style" if style else "")
        cues = [c for c in cues if not (start <= c[0] and c[1] <= end)]  # "that old white version": all one reference
        cues = _shift(cues + [(subject.np_start, subject.end)], end, len(head) - (end - start))
        rewritten = request[:start] + head + request[end:]
        return strip_cues(rewritten, cues, protect=[(start, start + len(head))])

    if subject is not None:
        start, end = subject.np_start, subject.end
        start = min([m.np_start for m in intent.mentions if m is not subject and not m.negated and m.end <= start
                     and intent.compounded(m, subject)] + [start])  # "our harbour net shed": the whole phrase
        start = lead.start() if (lead := re.search(r"\bany\s+$", request[:start], re.I)) else start  # "any dog"
        owner = re.search(r"\b([a-z]+)\s+$", request[:start], re.I)
        start = owner.start() if owner and unmarked_owner(owner[1].lower()) else start  # "grandpas armchair": whose
        # says which, as "grandpa's" does
        if style:  # "raku style fish", "my ink style" for that style: its trigger says "raku", "ink"
            cues += [(s, e) for s, e in intent.style_spans
                     if start <= s and e <= subject.start or e <= start and not request[e:start].strip()]
        within = cues  # a cue reaching into the noun phrase still drops its words there ("before the newest Rex")
        cues = [(s, min(e, start)) if s < start < e else (s, e) for s, e in cues]  # a cue never eats the subject
        inside = request[start:subject.start]
        # keep modifiers inside the noun phrase, drop determiners/possessives and cue words
        keep = []
        for m in re.finditer(r"\S+", inside):
            word, at = m.group(0), start + m.start()
            if SWAPPED.get(word.lower(), word.lower()) in POSSESSIVES | DEFINITES | {"any", "other", "whichever", "whatever"} \
                    or word.lower().endswith(("'s", "s'", "’s", "s’")) or any(s <= at < e for s, e in within) \
                    or at < subject.np_start and unmarked_owner(word.lower()):
                continue  # "any dog except ...": who is meant, not drawn
            keep.append(word)
        after = request[end:]
        owned = re.match(r"\s+of\s+(?:mine|ours|yours|theirs|hers|his)\b", after, re.I)  # "a pet of mine": whose
        if owned:
            cues = [(s, e) for s, e in cues if e <= end or s >= end + owned.end()]
            cues = _shift(cues, end, -owned.end())
            after = after[owned.end():]
            request = request[:end] + after
        one = _ONE_AFTER.match(after)  # "the lake one (again) with a heron": "one" only says which
        if one and one.end():
            cues.append((end, end + one.end()))
        look = re.match(r"\s+(?:look|edit|filter|preset|aesthetic|vibe)s?\b", after, re.I) if style else None
        if look:  # "in the slate edit": the trigger's own "style" says it
            cues.append((end, end + look.end()))
        head = trigger + (" style" if style and not re.match(r"\s*style\b", after, re.I) else "")
        replacement = " ".join(keep + [head])
        cues = [c for c in cues if not (start <= c[0] and c[1] <= end)]
        cues = _shift(cues, end, len(replacement) - (end - start))
        rewritten = request[:start] + replacement + after
        protect = [(start, start + len(replacement))]
        return strip_cues(rewritten, cues, protect=protect)

    held = next((m for m in intent.mentions if m.scene and not m.negated and m.kind != "trigger" and _same_thing(m, ckpt)
                 and m.det != "indefinite" and not m.text.lower().endswith(("'s", "’s"))), None)
    if intent.has_selection_cues or intent.excluded:
        held = None  # "whatever I used yesterday, by the fire": the cue chose it, the fire is the picture's
    if held is not None and not style:  # "a snowman in front of the cottage": the trigger where the scene holds it
        start = held.np_start if re.fullmatch(r"\s*(?:the|my|our|his|her|their)\s+", request[held.np_start:held.start],
                                              re.I) else held.start
        end = held.end
        tail = re.match(r"\s+([a-z]+)\b", request[end:], re.I)  # "under the oak tree": the name and its noun
        if tail and normalize_noun(tail[1].lower()) in {w for s in ckpt.subjects for w in s.lower().split()}:
            end += tail.end()
        cues = _shift([c for c in cues if not (start <= c[0] and c[1] <= end)], end, len(trigger) - (end - start))
        return strip_cues(request[:start] + trigger + request[end:], cues, protect=[(start, start + len(trigger))])
    said = _style_phrase(request, intent) if style else None
    if said is not None:  # "a fox in my raku look" → "a fox in <raku-v1> style": the trigger where the style was said
        start, end = said
        head = f"in {trigger} style" if start else f"{trigger} style"
        cues = _shift([c for c in cues if not (start <= c[0] and c[1] <= end)], end, len(head) - (end - start))
        return strip_cues(request[:start] + head + request[end:], cues, protect=[(start, start + len(head))])
    content = re.sub(r"^\s*of\s+", "", strip_cues(request, cues))  # "the one from october, of our route"
    if all(w in GENERIC or w in DEFINITES or w in ("a", "an") for w in re.findall(r"[a-z]+", content.lower())):
        content = ""  # "the thing (I used a week ago today)": what was chosen, not drawn
    if trigger.lower() in content.lower():
        return content
    if style:
        return f"{content}, in {trigger} style" if content else f"a picture in {trigger} style"
    return f"{trigger}, {content}" if content else trigger
