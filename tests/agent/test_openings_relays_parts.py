"""Phrasings written for these tests (none of them is a corpus line) over a small repository of a harbour family:
a request that opens with "a <thing>" the repository has several of, before a named place ("a dog asleep on the
harbour bench"); a bare name before a definite one ("Skipper on the harbour bench"); a wish relayed by someone
("my husband wants the lugger", "my daughter (she's 6) wants", "she would like", "my wife says I should ask:",
"my grandson says:"); signatures after thanks ("cheers, the crew", "He says thanks"); "pleeease", "obviously";
a change said with its verb ("before he grew the moustache"); "not the one where he's missing a toe"; "not with the
new sail" (a new thing, not the newest version); the noun a compound ends in ("our harbour net shed"); a part of a
year ("the first three months of 2025", "March of 2026"); slips of cue words ("whatevr", "versoin"); a place among
the options said as "number two" while a description says "two"."""
from __future__ import annotations

import itertools
from datetime import date

import pytest

from langgraph.checkpoint.memory import InMemorySaver

from agent.checkin import CheckIn
from agent.clarify import resolve_answer
from agent.graph import build_graph
from repo_store import Repository
from repo_store.schema import Checkpoint
from tests.agent.test_first_turn_families import checkin_over
from tests.conftest import meta

NOW = date(2026, 11, 20)  # a Friday
PHOTO = ["photorealistic"]
PEOPLE = ["person"]
RECORDS = [
    meta("nell-v1", name="Nell", subjects=["mum", "woman"] + PEOPLE, styles=PHOTO,
         description="Nell with long red hair in a yellow oilskin.", created_at="2025-02-10", version=1),
    meta("nell-v2", name="Nell", subjects=["mum", "woman"] + PEOPLE, styles=PHOTO,
         description="Nell with short red hair and her new glasses.", created_at="2026-03-12", version=2),
    meta("nell-v3", name="Nell", subjects=["mum", "woman"] + PEOPLE, styles=PHOTO,
         description="Nell with short red hair in a straw sun hat.", created_at="2026-10-02", version=3),
    meta("ned-v1", name="Ned", subjects=["dad", "man"] + PEOPLE, styles=PHOTO,
         description="Ned clean-shaven in a navy jumper.", created_at="2025-05-02", version=1),
    meta("ned-v2", name="Ned", subjects=["dad", "man"] + PEOPLE, styles=PHOTO,
         description="Ned having grown a grey moustache, in a navy jumper.", created_at="2026-06-01", version=2),
    meta("skipper-v1", name="Skipper", subjects=["terrier", "dog", "pet"], styles=PHOTO,
         description="Skipper the wiry terrier with a blue collar.", created_at="2025-08-20", version=1),
    meta("rusty-v1", name="Rusty", subjects=["spaniel", "dog", "pet"], styles=PHOTO,
         description="Rusty the spaniel with two white paws.", created_at="2026-07-15", version=1),
    meta("lugger-v1", name="The Lugger", subjects=["fishing boat", "boat"], styles=PHOTO,
         description="The old lugger with a patched brown sail.", created_at="2025-04-01", version=1),
    meta("lugger-v2", name="The Lugger", subjects=["fishing boat", "boat"], styles=PHOTO,
         description="The lugger with her new red sail.", created_at="2026-09-01", version=2),
    meta("dinghy-v1", name="The dinghy", subjects=["dinghy", "rowing boat", "boat"], styles=PHOTO,
         description="A little green rowing dinghy.", created_at="2025-06-01", version=1),
    meta("shed-v1", name="Net shed", subjects=["shed", "building"], styles=PHOTO,
         description="The tarred net shed on the quay.", created_at="2025-07-01", version=1),
    meta("lighthouse-v1", name="The lighthouse", subjects=["lighthouse", "building"], styles=PHOTO,
         description="The white lighthouse on the point.", created_at="2025-09-10", version=1),
    meta("bench-v1", name="Harbour bench", subjects=["bench"], styles=PHOTO,
         description="The memorial bench on the harbour wall.", created_at="2025-10-05", version=1),
    meta("gully-v1", name="Gully", subjects=["seagull", "gull", "bird"], styles=PHOTO,
         description="Gully the herring gull on a bollard.", created_at="2025-11-01", version=1),
    meta("gully-v2", name="Gully", subjects=["seagull", "gull", "bird"], styles=PHOTO,
         description="Gully the herring gull, missing a toe, on the shed roof.", created_at="2026-10-01", version=2),
]
_threads = itertools.count()


@pytest.fixture(scope="module")
def harbour(tmp_path_factory, embedder):
    return checkin_over(RECORDS, tmp_path_factory.mktemp("harbour"), embedder)


def first_turn(checkin, text):
    return checkin.ask(text, f"harbour-{next(_threads)}", now=NOW)


@pytest.mark.parametrize(("text", "checkpoint", "prompt"), [
    # a bare name before a definite one is the subject; the noun a compound ends in is its head
    ("Skipper lying on the harbour bench", "skipper-v1", "<skipper-v1> lying on the harbour bench"),
    ("our harbour net shed in the fog", "shed-v1", "harbour <shed-v1> in the fog"),
    # wishes relayed, signatures after thanks
    ("My husband wants Rusty, the spaniel, on the quay. He says thanks", "rusty-v1", "<rusty-v1>, on the quay"),
    ("my daughter (she's 6) wants Skipper in a sailor hat", "skipper-v1", "<skipper-v1> in a sailor hat"),
    ("Gran asked me to type this: she would like the lighthouse at night. Thank you dear", "lighthouse-v1",
     "<lighthouse-v1> at night"),
    ("My wife says I should ask: can you do the dinghy on a calm sea?", "dinghy-v1", "<dinghy-v1> on a calm sea"),
    ("my grandson (he's 4) says: the boat with the red sail!!", "lugger-v2", "<lugger-v2>"),
    ("Could you do Rusty on the beach - cheers, the crew", "rusty-v1", "<rusty-v1> on the beach"),
    ("Ned, version 1 obviously, on the quay, pleeease", "ned-v1", "<ned-v1> on the quay"),
    # versions: a change said with its verb, what one version is missing, a new thing that is no ordering
    ("Ned before he grew the moustache, mending a net", "ned-v1", "<ned-v1>, mending a net"),
    ("Gully, not the one where he's missing a toe", "gully-v1", "<gully-v1>"),
    ("Nell but not with the new glasses", "nell-v3", "<nell-v3>"),
    # a part of a year, slips of cue words
    ("something I trained in the first three months of 2025", "nell-v1", "<nell-v1>"),
    ("the one I made in March of 2026", "nell-v2", "<nell-v2>"),
    ("whatevr I made in the last two months of 2025", "gully-v1", "<gully-v1>"),
    ("the newst versoin of Nell", "nell-v3", "<nell-v3>"),
])
def test_selects(harbour, text, checkpoint, prompt):
    result = first_turn(harbour, text)
    assert (result.status, result.checkpoint, result.prompt) == ("selected", checkpoint, prompt)


@pytest.mark.parametrize(("text", "options"), [
    ("a dog asleep on the harbour bench", {"skipper-v1", "rusty-v1"}),  # "a dog" opens it: which dog
    ("a boat tied up next to the lighthouse", {"lugger-v2", "dinghy-v1"}),
    ("anything from the first half of 2025", {"nell-v1", "ned-v1", "lugger-v1", "dinghy-v1"}),
])
def test_asks(harbour, text, options):
    result = first_turn(harbour, text)
    assert result.status == "clarify"
    assert {o["id"] for o in result.options} >= options


@pytest.mark.parametrize("answer", ["number two", "ok option 2 please", "no. 2"])
def test_a_place_said_outright_is_no_description(answer):
    """Rusty, shown first, has "two white paws": "number two" is still the second option shown."""
    records = {r["id"]: Checkpoint.from_json({**r, "source": ""}) for r in RECORDS}
    shown = [{"id": i, "name": records[i].name} for i in ("rusty-v1", "skipper-v1")]
    assert resolve_answer(answer, shown, records, NOW) == "skipper-v1"


def test_what_the_other_versions_say_tells_the_options_apart():
    """Only the lugger's red-sailed version was left to show, but its older one has the brown sail."""
    records = {r["id"]: Checkpoint.from_json({**r, "source": ""}) for r in RECORDS}
    shown = [{"id": i, "name": records[i].name} for i in ("lugger-v2", "dinghy-v1")]
    left = {"lugger-v2": ["lugger-v2"], "dinghy-v1": ["dinghy-v1"]}
    assert resolve_answer("the brown one", shown, records, NOW, concepts=left) == "lugger-v2"
    assert resolve_answer("the green one", shown, records, NOW, concepts=left) == "dinghy-v1"


@pytest.mark.parametrize("text", ["Nell's old sewing machine", "Ned's old fishing rod"])
def test_an_old_thing_of_someone_named_is_a_thing_the_repository_lacks(harbour, text):
    assert first_turn(harbour, text).status == "no_match"


@pytest.mark.parametrize("text", ["the third version of the boat", "the second oldest dog", "my newest checkpoint"])
def test_a_repository_whose_files_were_all_skipped_answers_no_match(tmp_path, embedder, text):
    """Every file is skipped (no weights, a broken one): nothing fits, and the answer says so, no traceback."""
    folder = tmp_path / "repo"
    folder.mkdir()
    (folder / "broken.yaml").write_text("id: [unclosed\n")
    checkin = CheckIn(build_graph(InMemorySaver(), Repository.open(folder, tmp_path / "home", embedder)))
    assert first_turn(checkin, text).status == "no_match"
