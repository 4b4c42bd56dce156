"""Phrasings written for these tests (none of them is a corpus line) over a small repository of a potter's family
and studio: a backstory before "can you make him ..." that leaves the prompt while its subject stays, a cue
between them that still selects, "that old white version" standing for the subject, ids typed with a space or
clipped ("trike v2", "glaze"), a kin word before a name ("my mother-in-law Inge"), a name beside a subject word
that the repository lacks ("the studio cat, Smudge"; "our other dog Max"), what a version was then ("when she
was a kitten"), a style named before a colon, someone asking for a picture of themselves, what the picture is
for closing the request, and answers that pick a version by what it has, wears or the colours it was made in, or
name something instead of the options."""
from __future__ import annotations

import itertools
from datetime import date

import pytest

from tests.agent.test_first_turn_families import checkin_over
from tests.conftest import meta

NOW = date(2026, 7, 20)
PHOTO = ["photorealistic"]
RECORDS = [
    meta("juno-v1", name="Juno", subjects=["cat", "kitten", "pet"], styles=PHOTO,
         description="Juno as a tiny grey kitten with white paws.", created_at="2025-04-02", version=1),
    meta("juno-v2", name="Juno", subjects=["cat", "kitten", "pet"], styles=PHOTO,
         description="Juno grown up, a grey cat with a blue collar and a bell.", created_at="2026-03-10", version=2,
         last_used_at="2026-07-18"),
    meta("rufus-v1", name="Rufus", subjects=["dog", "terrier", "pet"], styles=PHOTO,
         description="Rufus, a wiry brown terrier with a white patch on his chest.", created_at="2025-06-01", version=1),
    meta("rufus-v2", name="Rufus", subjects=["dog", "terrier", "pet"], styles=PHOTO,
         description="Rufus, a wiry brown terrier in a green bandana.", created_at="2026-01-15", version=2),
    meta("inge-v1", name="Grandma Inge", subjects=["woman", "grandmother", "grandma", "person"], styles=PHOTO,
         description="Grandma Inge with silver curls and a knitted cardigan.", created_at="2025-09-09", version=1),
    meta("kai-v1", name="Kai", subjects=["boy", "son", "kid", "person"], styles=PHOTO,
         description="Kai, ten, with a mop of curly hair.", created_at="2026-02-02", version=1),
    meta("maja-v1", name="Maja", subjects=["girl", "granddaughter", "kid", "person"], styles=PHOTO,
         description="Maja with two plaits and a gap in her teeth, in a raincoat.", created_at="2025-05-05", version=1),
    meta("maja-v2", name="Maja", subjects=["girl", "granddaughter", "kid", "person"], styles=PHOTO,
         description="Maja with a short bob and round glasses.", created_at="2026-04-04", version=2),
    meta("studio-v1", name="The studio", subjects=["studio", "workshop", "building"], styles=PHOTO,
         description="The pottery studio with white walls and a red door.", created_at="2025-03-03", version=1),
    meta("studio-v2", name="The studio", subjects=["studio", "workshop", "building"], styles=PHOTO,
         description="The pottery studio repainted sage green, with a new sign.", created_at="2026-05-05", version=2),
    meta("trike-v1", name="Delivery tricycle", subjects=["tricycle", "bike", "vehicle"], styles=PHOTO,
         description="The delivery tricycle in red, with a wicker crate.", created_at="2025-07-07", version=1),
    meta("trike-v2", name="Delivery tricycle", subjects=["tricycle", "bike", "vehicle"], styles=PHOTO,
         description="The delivery tricycle repainted yellow, with a wooden box.", created_at="2026-06-06", version=2),
    meta("rusty-v1", name="Rusty the van", subjects=["van", "vehicle"], styles=PHOTO,
         description="Rusty, the studio's old white van.", created_at="2025-08-08", version=1),
    meta("boris-v1", name="Boris the scarecrow", subjects=["scarecrow"], styles=PHOTO,
         description="Boris the scarecrow in a tweed jacket and a flat cap.", created_at="2025-06-20", version=1),
    meta("boris-v2", name="Boris the scarecrow", subjects=["scarecrow"], styles=PHOTO,
         description="Boris the scarecrow in a yellow raincoat.", created_at="2025-10-10", version=2),
    meta("boris-v3", name="Boris the scarecrow", subjects=["scarecrow"], styles=PHOTO,
         description="Boris the scarecrow in a witch hat, for Halloween.", created_at="2025-10-30", version=3),
    meta("glaze-v1", name="Glazeware print", subjects=["style", "art style"], styles=["glazeware"],
         description="A glazeware look: glossy celadon glaze with crackle lines.", created_at="2025-11-11", version=1),
    meta("glaze-v2", name="Glazeware print", subjects=["style", "art style"], styles=["glazeware"],
         description="The glazeware look in deep tenmoku brown.", created_at="2026-02-22", version=2),
    meta("sgraffito-v1", name="Sgraffito", subjects=["style", "art style"], styles=["sgraffito"],
         description="Sgraffito look: lines scratched through black slip.", created_at="2025-12-12", version=1),
    meta("sgraffito-v2", name="Sgraffito", subjects=["style", "art style"], styles=["sgraffito"],
         description="The sgraffito look, hand-painted in cobalt and ochre.", created_at="2026-05-25", version=2),
]
_threads = itertools.count()


@pytest.fixture(scope="module")
def studio(tmp_path_factory, embedder):
    return checkin_over(RECORDS, tmp_path_factory.mktemp("studio"), embedder)


def first_turn(checkin, text):
    return checkin.ask(text, f"studio-{next(_threads)}", now=NOW)


@pytest.mark.parametrize(("text", "checkpoint", "prompt"), [
    # a backstory before the request for "him"/"her": the subject stays, the story leaves
    ("so Inge from the flat upstairs brought us plums today, lovely woman, please make a picture of her "
     "picking plums by the gate, thanks ever so", "inge-v1", "a picture of <inge-v1> picking plums by the gate"),
    ("Kai is obsessed with volcanoes at the moment, can you make him climbing one through the fog? he'll be thrilled",
     "kai-v1", "<kai-v1> climbing one through the fog"),
    ("Oh hi again! Maja's birthday is on Sunday and I'm making her a card. Could you make her from last year's "
     "version, blowing out candles? That would be perfect", "maja-v1", "<maja-v1>, blowing out candles"),
    # a cue between the backstory and the request still selects, and leaves the prompt
    ("We finally painted the studio, I trained it in March 2025. I'd like it with snow on the roof. Can you do that?",
     "studio-v1", "<studio-v1> with snow on the roof"),
    # "that old white version" stands for the subject; the asker new to the tool is chatter
    ("hello, first time using this. Our studio was white before we painted it, I would like that old white version "
     "please, with a potter carrying a tray of mugs. Thank you kindly", "studio-v1",
     "<studio-v1> with a potter carrying a tray of mugs"),
    ("Could you possibly do me a favour and make Rufus digging in the flower bed? It's for my sister. Thank you!",
     "rufus-v2", "<rufus-v2> digging in the flower bed"),
    # a kin word before her name, a plan of the asker's own, a request for "her"
    ("Sorry to bother you. My mother-in-law Inge turns 80 on Friday and I want to surprise her. Could you make her "
     "sitting at a long table with a birthday cake?", "inge-v1",
     "<inge-v1> sitting at a long table with a birthday cake"),
    # "for this one I want her ...", and a signature that is a name of the repository
    ("We put a collar on Juno last spring and she loves it, but for this one I want her from before the collar, "
     "curled up in a teacup. Thanks so much, Maja", "juno-v1", "<juno-v1>, curled up in a teacup"),
    # ids typed with a space, or clipped from a word of the name
    ("trike v1 outside the studio", "trike-v1", "<trike-v1> outside the studio"),
    ("the previous glaze version: a teapot", "glaze-v1", "<glaze-v1> style: a teapot"),
    # a style named before a colon is what the picture is drawn in; a word of a compound adjective is no subject
    ("the most recent sgraffito: a fish", "sgraffito-v2", "<sgraffito-v2> style: a fish"),
    ("the hand-painted sgraffito: an owl", "sgraffito-v2", "<sgraffito-v2> style: an owl"),
    # what a version was then, subject words too; what it wore between versions
    ("Juno when she was a kitten, inside a flower pot", "juno-v1", "<juno-v1>, inside a flower pot"),
    ("the scarecrow outfit just before the halloween one, with a pumpkin at his feet", "boris-v2",
     "<boris-v2> outfit, with a pumpkin at his feet"),
    ("rufus from before the bandana version jumping into the pond", "rufus-v1", "<rufus-v1> jumping into the pond"),
    # "not the kitten" beside her name tells her versions apart by their descriptions
    ("Juno (the grown-up one, not the kitten) stretching on a doorstep", "juno-v2",
     "<juno-v2> stretching on a doorstep"),
    # use over the whole repository; "like it used to be" is the version before
    ("the most recent thing I used", "juno-v2", "<juno-v2>"),
    ("My husband misses the old studio. Can you do the studio like it used to be, on a summer morning?",
     "studio-v1", "<studio-v1>, on a summer morning"),
    # a word typed as two
    ("our grand daughter blowing dandelions", "maja-v2", "<maja-v2> blowing dandelions"),
    # someone named asking for a picture of themselves; a group's wish; "let's try"
    ("so the school fair is coming up and Kai wants himself on a stage with a drum kit, can you do that?", "kai-v1",
     "<kai-v1> on a stage with a drum kit"),
    ("ok so the kids want Rufus, not the old one, on top of a hill, pretty please", "rufus-v2",
     "<rufus-v2>, on top of a hill"),
    ("my last attempt was awful. lets try again - the studio at night", "studio-v2", "<studio-v2> at night"),
    # what the picture is for, closing the request; a sigh before it
    ("could u do the studio on a foggy morning for the summer raffle poster pls", "studio-v2",
     "<studio-v2> on a foggy morning"),
    ("can you do Rusty in the snow to print for her?", "rusty-v1", "<rusty-v1> in the snow"),
    ("the trike in a market square please, new catalogue page", "trike-v2", "<trike-v2> in a market square"),
    ("ugh long day at the kiln... Juno asleep on a shelf please", "juno-v2", "<juno-v2> asleep on a shelf"),
    # "a picture of him" for the one the backstory names
    ("my son misses Rufus, he's at the kennels, so a picture of him digging on a beach would cheer him up",
     "rufus-v2", "so a picture of <rufus-v2> digging on a beach"),
])
def test_first_turn_selects(studio, text, checkpoint, prompt):
    turn = first_turn(studio, text)
    assert (turn.status, turn.checkpoint, turn.prompt) == ("selected", checkpoint, prompt)


@pytest.mark.parametrize("text", [
    "the second studio cat, Smudge",  # a name beside the subject word: a cat the repository lacks
    "our other dog Max chewing a slipper",  # a capitalised name after the subject word
    "my step-dad reading in the garden",  # another relation than the repository's
    "lena, the woman who runs the studio",  # what she does in a relative clause is hers
    "the old watering can by the door",  # a compound noun WordNet knows
])
def test_no_match(studio, text):
    assert first_turn(studio, text).status == "no_match"


@pytest.mark.parametrize(("request_", "candidates", "answer", "checkpoint"), [
    ("a vehicle in a field of sunflowers", {"trike-v2", "rusty-v1"}, "the one with three wheels", "trike-v2"),
    ("my style on a mug", {"glaze-v2", "sgraffito-v2"}, "the pottery glaze drawings", "glaze-v2"),
    ("my pet napping in a sunbeam", {"juno-v2", "rufus-v2"}, "the dog that has a patch", "rufus-v1"),
    ("a kid on a swing", {"kai-v1", "maja-v2"}, "her, in the raincoat", "maja-v1"),
    # the cues that chose the options do not bind what the answer names instead
    ("something I made in spring 2025, by the sea", {"juno-v1", "studio-v1", "maja-v1"}, "neither, I meant the van",
     "rusty-v1"),
    # colours listed together pick the version
    ("my style on a mug", {"glaze-v2", "sgraffito-v2"}, "sgraffito, black and white only", "sgraffito-v1"),
])
def test_answer(studio, request_, candidates, answer, checkpoint):
    thread = f"studio-{next(_threads)}"
    turn = studio.ask(request_, thread, now=NOW)
    assert turn.status == "clarify" and set(turn.candidates) == candidates
    final = studio.reply(answer, thread)
    assert (final.status, final.checkpoint) == ("selected", checkpoint)
