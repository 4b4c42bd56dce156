"""The details that chose a version, found again in the request so that the rewritten prompt leaves them out:
"Engine 7 with the gold lettering, leading a parade" → "<engine-v2>, leading a parade". The chosen version's trigger
draws them; a detail of another thing in the picture ("a little house with a red roof") stays.
"""
from __future__ import annotations

import re

from agent.conversation import pos_of
from agent.lexicon import past_form, stem
from agent.mention import Intent
from agent.vocab import YOUNG_KINDS
from repo_store.schema import Checkpoint
from repo_store.text import STOPWORDS

# the words that say a detail is had: "with the gold lettering", "in his little fire helmet", "wearing her veil"
_INTRO = r"(?:with|wearing|in|sporting|having|featuring|rocking|w/|at|aged|as)"  # "as a youngster", "at nine"
_HAVING = re.compile(rf"\b{_INTRO}\s+(?:(?:the|his|her|its|their|my|our|a|an|that|those)\s+)?(?:[a-z'-]+[\s-]+){{0,2}}$",
                     re.I)
_OPENS = re.compile(rf"{_INTRO}\b", re.I)
# what a detail's words end with: "the patch sewn on", "her veil up", before the rest of the picture
_PARTICLE = re.compile(r"\s+(?:(?:sewn|stitched|painted|pinned|tied|pulled|put|done)\s+)?(?:on|up|down|off|back)\b"
                       r"(?=\s*(?:[,.;:!?]|$)|\s+(?:at|in|by|while|and|near|under|next|beside|for|with)\b)", re.I)
# where on the thing a detail sits, as its description says it: "the black spot over his eye"
_WHERE_ON = re.compile(r"\s+(?:over|on|across|around|round|under|above|below)\s+(?:(?:his|her|its|their|the|one)\s+)?"
                       r"([a-z]{3,})\b", re.I)
# a detail that the rest of the picture arranges is drawn: "with all the chairs stacked up"
_ARRANGED = re.compile(r"\s+([a-z]+)\b", re.I)


def _introduces(lead: str, word: str) -> bool:
    """Whether `lead` opens the phrase of detail `word`: "at" and "aged" an age ("at nine"), "as" a young one ("as a
    puppy"; not "as a stained glass window", a look), the others any detail."""
    if lead in ("at", "aged"):
        return word.isdigit()
    return lead != "as" or word in {stem(w) for w in YOUNG_KINDS}


def told_apart(intent: Intent, ckpt: Checkpoint, telling: frozenset[str]) -> list[tuple[int, int]]:
    """The spans of the details that chose this version over its others and describe the subject where it is named
    ("Engine 7 with the gold lettering", "the pastel hives"): they said which version; its trigger draws them."""
    request, subject = intent.request, intent.subject
    if subject is not None and subject.end > subject.start:
        anchor = (subject.np_start, subject.start, subject.end)
    elif intent.style_spans:  # "the linocut with the blue second colour": the style named is what they describe
        first = min(intent.style_spans)
        anchor = (first[0], first[0], first[1])
    else:
        return []
    cues = sorted(intent.cue_spans)
    described = {stem(w) for w in re.findall(r"[a-z]+", ckpt.description.lower())}
    pairs = {pair for part in re.split(r"[,;:.!?()]", ckpt.description.lower())  # "the green bow tie, sitting": not
             for said in [[stem(w) for w in re.findall(r"[a-z]+", part)]] for pair in zip(said, said[1:])}  # "tie sitting"
    own = {stem(w) for s in (*ckpt.subjects, ckpt.name) for w in re.findall(r"[a-z]+", s.lower())}
    spans = []
    for word, start, end in sorted((d for d in intent.detail_spans if d[0] in telling), key=lambda d: d[1]):
        start = re.search(r"(?:[a-z]+-)*$", request[:start], re.I).start()  # "glow-in-the-dark": one word
        end += re.match(r"(?:-[a-z]+)*", request[end:], re.I).end()
        if word in ("up", "down", "off", "out") and (thing := re.search(r"[a-z]+\s+$", request[:start], re.I)):
            start = thing.start()  # "her veil up": the veil with it
        if spans and re.fullmatch(r"[\s-]*(?:and\s+|&\s+)?(?:[a-z'-]+[\s-]+)?", request[spans[-1][1]:start], re.I):
            start = spans.pop()[0]  # "the long red braid", "black-lines-on-cream": one phrase
        elif (having := _HAVING.search(request, 0, start)) and _introduces(having[0].split()[0].lower(), word):
            start = having.start()
        spans.append((start, end))
    told = []
    for start, end in spans:
        gap = request[(told[-1][1] if told else anchor[2]):start]
        at = told[-1][1] if told else anchor[2]
        for cue_start, cue_end in cues:  # "mum after her haircut, with the round specs": a cue between is no gap
            if cue_start - at >= 0 and not request[at:cue_start].strip(" ,") and cue_end <= start:
                gap = request[cue_end:start]
                at = cue_end
        opened = _OPENS.match(request, start) is not None  # "with the round specs" after a break; not "..., tanks
        attached = anchor[0] <= start < anchor[1] or re.fullmatch(r"\s*", gap) is not None \
            or re.fullmatch(r"[\s,]*", gap) is not None and opened  # lined up out front", the scene's
        if not attached:
            continue  # "a little house with a red roof": another thing's; "bev as a stained glass window": a look
        while (more := re.match(r"[\s-]+([a-z]+)\b", request[end:], re.I)) and more[1].lower() not in STOPWORDS \
                and not _WHERE_ON.match(request, end) \
                and (stem(re.findall(r"[a-z]+", request[:end].lower())[-1]), stem(more[1].lower())) in pairs:
            end += more.end()  # "his little fire helmet", "the gold lettering": the next word as its description says
        head = re.match(r"[\s-]+([a-z]+)\b(?![\s-]+[a-z]+ed\b)", request[end:], re.I)
        word = head[1].lower() if head else ""
        nounish = head is not None and word not in STOPWORDS and not word.endswith(("ing", "ed"))
        if nounish and (pos_of(word) <= {"NOUN"} or "NOUN" in pos_of(word) and stem(word) in described):
            end += head.end()  # "in the tortoiseshell specs": the thing the details describe, in another word
        elif nounish and "NOUN" in pos_of(word) \
                and (pair := re.match(r"[\s-]+([a-z]+)\b", request[end + head.end():], re.I)) \
                and pos_of(pair[1].lower()) == {"NOUN"}:
            end += head.end() + pair.end()  # "in the purple work shirt": a noun before the noun it narrows
        if particle := _PARTICLE.match(request, end):
            end = particle.end()
        elif (where := _WHERE_ON.match(request, end)) and stem(where[1].lower()) in described - own:
            end = where.end()
        elif (arranged := _ARRANGED.match(request, end)) and past_form(arranged[1].lower()) \
                and stem(arranged[1].lower()) not in described:
            continue
        told.append((start, end))
    return told
