"""Sanity check for a phrasing corpus: JSON validity, required fields, ids present in their repository YAML.

    python3 tests/agent/phrasing/check_corpus.py [CORPUS_FOLDER]   (default: this folder)
"""

import json
import glob
import os
import sys
import yaml
import collections

base = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", ".."))
corpus = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
repos = {}
for name, d in [("demo", os.path.join(base, "minisd/demo_repo"))] + [
        (os.path.basename(f)[len("repo_"):], f) for f in sorted(glob.glob(os.path.join(corpus, "repo_*")))]:
    ids = {}
    for p in glob.glob(os.path.join(base, d, "*.yaml")):
        y = yaml.safe_load(open(p))
        for k in ("id", "triggers", "subjects", "description", "created_at"):
            assert k in y, (p, k)
        assert os.path.basename(p) == y["id"] + ".yaml", p
        assert len(y["triggers"]) == 1 and " " not in y["triggers"][0]
        ids[y["id"]] = y
    repos[name] = ids
errs = []
fam = collections.Counter()
kind = collections.Counter()
fk = collections.Counter()
rc = collections.Counter()
seen = set()
queries = set()
for n, line in enumerate(open(os.path.join(corpus, "requests.jsonl")), 1):
    d = json.loads(line)
    for k in ("id", "repo", "family", "kind", "now", "query", "answer", "accept", "note"):
        if k not in d:
            errs.append((n, "missing " + k))
    if d["id"] in seen:
        errs.append((n, "dup id"))
    seen.add(d["id"])
    if (d["repo"], d["query"], d["answer"]) in queries:
        errs.append((n, "dup query"))
    queries.add((d["repo"], d["query"], d["answer"]))
    ids = repos[d["repo"]]
    latest = max(str(y["created_at"]) for y in ids.values())
    if d["now"] <= latest:
        errs.append((n, "now too early"))
    fam[d["family"]] += 1
    kind[d["kind"]] += 1
    fk[(d["family"], d["kind"])] += 1
    rc[d["repo"]] += 1
    if d["kind"] == "answer":
        if not d["answer"] or d.get("first_status") != "clarify":
            errs.append((n, "answer fields"))
    elif d["answer"] is not None:
        errs.append((n, "answer not null"))
    if d["family"] == 8 and d["kind"] != "answer":
        errs.append((n, "fam8 kind"))
    statuses = [a["status"] for a in d["accept"]]
    if d["kind"] in ("selected", "clarify", "no_match") and d["family"] != 7 and statuses != [d["kind"]]:
        errs.append((n, "accept/kind mismatch"))
    for a in d["accept"]:
        if a["status"] == "selected":
            ck = a.get("checkpoint")
            if ck is None:
                if not isinstance(a.get("answer_position"), int):
                    errs.append((n, "null ckpt without position"))
                trig = ""
            else:
                if ck not in ids:
                    errs.append((n, "unknown " + ck))
                    continue
                trig = ids[ck]["triggers"][0].lower()
            text = (d["query"] + " " + (d["answer"] or "")).lower()
            for w in a.get("prompt_contains", []):
                if w != w.lower() or w not in d["query"].lower():
                    errs.append((n, "contains not in query: " + w))
            for w in a.get("prompt_excludes", []):
                if w != w.lower() or w in trig:
                    errs.append((n, "exclude bad: " + w))
                for c in a.get("prompt_contains", []):
                    if w in c:
                        errs.append((n, "exclude inside contains: " + w))
        elif a["status"] == "clarify":
            for c in a["candidates_include"]:
                if c not in ids:
                    errs.append((n, "unknown cand " + c))
print("errors:", errs)
print("total", sum(fam.values()), "repo", dict(rc))
print("family", sorted(fam.items()))
print("kind", dict(kind))
for f in sorted(fam):
    print(f, {k: v for (ff, k), v in fk.items() if ff == f})
