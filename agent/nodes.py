"""Check-in nodes: retrieve → reason → clarify → map (→ generate). Each returns a
partial state update. `clarify` holds the only `interrupt()`; everything before
it in that node is idempotent, because a resumed node runs again from its top."""
from __future__ import annotations

import re
from datetime import date
from typing import Any

from langgraph.types import interrupt

from dataclasses import replace

from agent.clarify import NONE, RESTART, Redirect, resolve_answer
from agent.constraints import ASPECT_ADVERBS
from agent.intent import parse_intent
from agent.lexicon import YOUNG, stem, wordnet_relation
from agent.llm import LLMExtractor, LLMReranker
from agent.mapping import map_prompt
from agent.mention import Intent
from agent.concepts import colour_families
from agent.reasoner import COLOUR_WORD, Reasoner, _has_detail, option
from agent.state import CheckinState
from agent.vocab import Vocabulary, normalize_noun
from repo_store.store import Repository

MAX_QUESTIONS = 3  # after this many unclear answers, give up politely


class CheckinNodes:
    def __init__(self, repository: Repository, vocab: Vocabulary, k: int = 10, reranker: LLMReranker | None = None,
                 metadata: bool = True, extractor: LLMExtractor | None = None):
        self.repository = repository
        self.vocab = vocab
        self.k = k
        self.reranker = reranker
        self.extractor = extractor
        self.reasoner = Reasoner(repository.checkpoints, vocab, metadata=metadata)

    def retrieve(self, state: CheckinState) -> dict[str, Any]:
        """Parse the request, then hybrid retrieval (top-k) on its content/subject part."""
        intent = parse_intent(state["request"], date.fromisoformat(state["now"]), self.vocab)
        extraction = None
        if self.extractor is not None:
            intent, extraction = self.extractor.refine(state["request"], intent, self.vocab)
        query = intent.content or state["request"]
        hits = self.repository.retrieve(query, k=self.k)
        return {"intent": intent.to_json(), "attempts": 0, "answer": None, "prompt": None, "extraction": extraction,
                "hits": [{"id": h.checkpoint_id, "fused": round(h.fused, 6), "dense": h.dense,
                          "lexical": h.lexical} for h in hits]}

    def reason(self, state: CheckinState) -> dict[str, Any]:
        """Deterministic metadata reasoning, then the optional LLM rerank."""
        intent = Intent.from_json(state["intent"])
        decision = self.reasoner.decide(intent, state["hits"])
        if state.get("extraction"):
            decision.reasoning.insert(0, state["extraction"])
        if self.reranker is not None:
            decision, _ = self.reranker.rerank(state["request"], state["now"], decision, self.repository.checkpoints)
        return decision.to_json()

    def clarify(self, state: CheckinState) -> dict[str, Any]:
        """Ask one question (interrupt) and resolve the answer to an option."""
        answer = interrupt({"question": state["question"], "candidates": state["options"]})
        text = str(answer if not isinstance(answer, dict) else answer.get("answer", "")).strip()
        records = self.repository.checkpoints
        shown = {o["id"] for o in state["options"]}
        # answers may name a concept that was not among the (at most 4) shown options
        hidden = [option(records[i]) for i in state["concepts"] if i not in shown]
        said = parse_intent(text, date.fromisoformat(state["now"]), self.vocab)  # read once, used by every branch
        choice = resolve_answer(text, state["options"] + hidden, records, date.fromisoformat(state["now"]),
                                shown=len(state["options"]), vocab=self.vocab, concepts=state["concepts"], parsed=said)
        attempts = state.get("attempts", 0) + 1
        if choice == RESTART:  # a new request, not an answer: CheckIn.reply runs it as a fresh turn
            return {"status": "restart", "answer": text, "attempts": attempts, "checkpoint": None}
        if isinstance(choice, Redirect):  # "wrong ones, I meant the cat": decide again with that subject
            return self._redirected(state, text, said, choice, attempts)
        if choice == NONE:
            return {"status": "no_match", "answer": text, "checkpoint": None, "attempts": attempts,
                    "message": "Understood: none of these. Tell me more about the checkpoint you have in mind."}
        if isinstance(choice, list):  # the answer fits several: ask between just those
            steps = list(state.get("reasoning", [])) + [f"answer '{text}' fits {len(choice)} options"]
            narrower = self.reasoner.clarify([[records[i] for i in state["concepts"][head]] for head in choice], {}, steps)
            return {**narrower.to_json(), "answer": text, "attempts": attempts}
        if choice is None:
            if attempts >= MAX_QUESTIONS:
                return {"status": "no_match", "answer": text, "attempts": attempts,
                        "message": "I still could not tell which one you mean; try naming it or its style or date."}
            question = state["question"] if state["question"].startswith("Sorry") else \
                f"Sorry, I did not catch that. {state['question']}"
            return {"answer": text, "attempts": attempts, "question": question}
        return self._version_of_choice(state, text, said, choice, attempts)

    def _redirected(self, state: CheckinState, text: str, said: Intent, choice: Redirect, attempts: int) -> dict[str, Any]:
        """An answer that names something else ("wrong ones, I meant the cat"): decide again with that subject."""
        intent = redirected(Intent.from_json(state["intent"]), choice.mention)
        intent.details += [d for d in said.details if d not in intent.details]
        intent = replace(intent, ordering=said.ordering or intent.ordering, relative=said.relative or intent.relative,
                         position=said.position if said.position is not None else intent.position,
                         version=said.version if said.version is not None else intent.version)  # "the tomatoes,
        intent.excluded += [x for x in said.excluded if x["field"] in ("detail", "kind", "version", "style")]  # but
        # the old one without cages": the answer's own cues pick among the versions of what it names
        decision = self.reasoner.decide(intent, [])
        if decision.status == "no_match" and intent.has_selection_cues:
            # "neither, I meant the quilt": the cues that chose the options do not bind the thing named instead
            intent = replace(intent, time=None, usage=None, ordering=None, position=None, relative=None,
                             version=None)
            decision = self.reasoner.decide(intent, [])
        steps = list(state.get("reasoning", [])) + [f"answer '{text}' names {choice.mention.text!r} instead"]
        decision.reasoning = steps + decision.reasoning
        return {**decision.to_json(), "intent": intent.to_json(), "answer": text, "attempts": attempts}

    def _version_of_choice(self, state: CheckinState, text: str, said: Intent, choice: str,
                           attempts: int) -> dict[str, Any]:
        """The version of the chosen option's concept that the request and the answer's own words pick."""
        records = self.repository.checkpoints
        versions = [records[i] for i in state["concepts"].get(choice, [choice])]
        steps = list(state.get("reasoning", [])) + [f"answer '{text}' → {choice}"]
        versions_ids = {v.id for v in versions}
        offered = {i for ids in state["concepts"].values() for i in ids}
        # "Biscuit, the older one": a name that singles out the chosen concept makes its ages and positions
        # point at that concept's versions; without one ("the older one") they pointed at the options
        said_ids = self.reasoner.mention_ids(said.subject) & offered if said.subject is not None else set()
        singled = said.subject is not None and said_ids <= versions_ids \
            and (said.subject.kind in ("name", "partial", "trigger") or bool(said_ids))
        # ("the budgie, the older version": a subject word only the chosen concept has singles it out as well)
        styled = set().union(*(self.reasoner.styled(style) for style in said.styles)) & offered
        singled = singled or said.subject is None and bool(styled) and styled <= versions_ids  # "ink wash, the
        # older one": a style only the chosen concept has names it as well as its name would
        later = _VERSION_AFTER.search(text.lower())  # "the chess one, but the old bare metal version": the words
        # after the break say which version of the chosen one
        singled = singled or later is not None
        intent = with_answer(Intent.from_json(state["intent"]), said, singled)
        # an answer's details pick a version beside a name, subject or style ("Pepper, the one in the raincoat",
        # "travel poster, the flat colours one"), and a colour is the thing's own ("the yellow pup") unless a detail
        # follows it ("the cream label"); alone they told the options apart, and only what one wears also picks
        # the version ("her, in the straw hat"), never its colour ("the brown one") nor what it is ("with tracks")
        named = said.subject is not None or bool(said.styles)
        worn = re.search(r"\b(?:in|wearing|with)\s+(?:the|a|an|his|her|their|its)\b"
                         r"|\b(?:from|at|during)\s+(?:the|his|her|their|its)\b", text.lower()) is not None  # "the one from the
        # engagement shoot": where or when that version was made
        described = said.details + (sorted({stem(w) for r in versions for w in re.findall(r"[a-z]+", r.description.lower())})
                                    if worn else [])  # "with the yellow wheels"; not "the brown dog": its own colour
        extra = [d for d in said.details if d not in intent.details and (  # "with the yellow wheels": what it has
            d not in COLOUR_WORD or (named or worn) and _colours_detail(text, d, described))] \
            if named or worn and said.position is None else []
        if later is not None:  # "... but the old bare metal version": what that version has
            tail = parse_intent(text[later.start("rest"):], date.fromisoformat(state["now"]), self.vocab)
            extra += [d for d in tail.details if d not in extra and d not in intent.details]
        shown = records.get(choice)
        if shown is not None:  # "the blue one" when the boat shown is the red repaint, "the rusty one" when the bike
            # shown is the restored dark green one: the colour is another version's (not "the brown dog" when the one
            # shown is the brown dog in a winter coat; what the options are or have told them apart: "the little one")
            recoloured = _RECOLOURED.search(shown.description.lower()) is not None
            hues = self.reasoner.own_colours(shown)
            extra += [d for d in said.details if d in COLOUR_WORD and d not in extra and d not in intent.details
                      and (recoloured or hues and not hues & colour_families({COLOUR_WORD[d]})
                           or not hues and not _thing_colour(d, shown, versions, self.vocab))  # "the pink ones" when
                      # the cupcakes shown have chocolate icing and the first had pink icing; not "the ginger one" of
                      # the ginger tabby
                      and not _has_detail(self.reasoner.words(shown), d)
                      and any(_has_detail(self.reasoner.words(r), d) for r in versions)]
        young = "young" in said.details or said.subject is not None and said.subject.kind in ("subject", "synonym") and (
            said.subject.term in YOUNG or normalize_noun(said.subject.text.lower()) in YOUNG
            or "young" in re.findall(r"[a-z]+", text.lower()[said.subject.np_start:said.subject.start]))
        extra += ["young"] if young and "young" not in extra and "young" in self.vocab.detail_words else []  # "the
        # young dog", "the puppy one": how old it is, when a version's description says it is young
        narrowed = self.reasoner.by_details(self.reasoner.exclude(intent, versions, steps) or versions,
                                            intent.details + extra, steps)
        for style in intent.styles:  # a style named in the answer picks among the concept's versions
            styled = [r for r in narrowed if r.id in self.reasoner.styled(style)]
            narrowed = styled or narrowed
        # the answer's own cues pick among the chosen concept's versions ("Biscuit, the LoRA version",
        # "the first version of the rabbit", "the one from April"), the request's already did
        cues = replace(said, styles=[], style_hard=False)
        kept, failure, _ = self.reasoner.filters(cues, narrowed, steps)
        narrowed = kept if kept and not failure else narrowed
        decision = self.reasoner.within_concept(narrowed, intent, steps)
        return {**decision.to_json(), "answer": text, "attempts": attempts}

    def map(self, state: CheckinState) -> dict[str, Any]:
        """Rewrite the request with the chosen checkpoint's canonical trigger."""
        ckpt = self.repository.checkpoints[state["checkpoint"]]
        intent = Intent.from_json(state["intent"])
        return {"prompt": map_prompt(intent, ckpt, self.reasoner.telling(intent.details, ckpt))}




# a description that says its colour changed: "repainted red", "knitted again in forest green", "now green"
_RECOLOURED = re.compile(r"\b(?:re-?(?:paint|spray|dye|colou?r|knit|do)[a-z]*|painted|dyed|now|again|instead)\b")


# an answer that first says which option and then, after a break, which version of it
_VERSION_AFTER = re.compile(r"\S[^,;]*?(?:,|;|\s-\s|\bbut\b)\s*(?:but\s+)?(?P<rest>(?:(?:the|its|his|her|their)\s+)?[^,;]*?"
                            r"\b(?:version|build|model|iteration)\b)")


def _thing_colour(colour: str, shown: Any, versions: list[Any], vocab: Vocabulary) -> bool:
    """Whether a colour is the thing's own rather than a part's: a word of its subject ("chocolate cake"), or said in a
    version's description before its subject word or a kind of it ("the ginger tabby"), not before a part ("pink
    icing")."""
    terms = vocab.subject_terms({shown.id})
    if any(colour in (stem(w) for w in term.split()) for term in terms):
        return True
    for r in versions:
        for after in re.findall(rf"\b{colour}[a-z]*\s+([a-z]+)", r.description.lower()):
            if after in terms or any(wordnet_relation(after, term) in ("above", "same") for term in terms):
                return True
    return False


def _colours_detail(text: str, colour: str, details: list[str]) -> bool:
    """Whether the colour word `colour` of an answer tells versions apart: it modifies another detail ("the cream
    label"), stands for the version ("the navy one"), says what it was ("when it was red") or what it has ("a patch")."""
    words = [stem(w) for w in re.findall(r"[a-z]+", text.lower()) if w not in ASPECT_ADVERBS]  # "was still red"
    return any(a == colour and (b in details and b != colour or b in ("one", "version")) for a, b in zip(words, words[1:])) \
        or any(b == colour and a in ("was", "were", "a", "an", "has", "had", "with")  # "when it was red", "the dog
               for a, b in zip(words, words[1:])) \
        or any(a == colour and b == "and" and c in COLOUR_WORD or c == colour and b == "and" and a in COLOUR_WORD
               for a, b, c in zip(words, words[1:], words[2:]))  # that has a patch"; "pink and teal only"


def redirected(intent: Intent, mention) -> Intent:
    """`intent` with its subject replaced by `mention` (from an answer), keeping the scene and cues."""
    old = intent.subject
    if old is not None:
        new = replace(mention, text=old.text, start=old.start, end=old.end, np_start=old.np_start, det=old.det)
        rest = [m for m in intent.mentions if m is not old and (m.scene or m.negated or m.kind == "trigger")]
    else:
        new = replace(mention, text="", start=0, end=0, np_start=0, det="none")
        rest = list(intent.mentions)
    intent.mentions = sorted(rest + [new], key=lambda m: m.start)
    intent.unknown_subject = None
    return intent


def with_answer(intent: Intent, answer: Intent, named: bool = False) -> Intent:
    """The request's intent with the version cues of an answer ("Luna, the one before the bell collar");
    `named`: the answer names the chosen concept, so its ages and positions are about its versions too."""
    cues = ("relative", "version", "kind") + (("ordering", "position", "usage") if named else ())
    for name in cues:  # otherwise positions and ages in an answer point at the options
        if getattr(answer, name) not in (None, False):
            setattr(intent, name, getattr(answer, name))
    intent.styles = intent.styles + [x for x in answer.styles if x not in intent.styles]  # "the watercolor version"
    intent.excluded = intent.excluded + [x for x in answer.excluded if x["field"] in ("detail", "kind", "version", "style")]
    return intent
