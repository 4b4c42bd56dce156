"""Judging tab: evaluators click pairwise preferences (selections, then images); votes go to SQLite at once.

Sides are shuffled per pair and systems stay anonymous until the results view; an evaluator never
sees a pair twice (the store refuses a second vote on the same pair id).
"""
from __future__ import annotations

import hashlib
import random
from dataclasses import replace
from pathlib import Path

import gradio as gr

from judging.pairs import IMAGE_SYSTEMS, ImagePair
from judging.votes import Vote, VoteStore, check_evaluator
from repo_store.schema import Checkpoint
from serve.generate import Settings
from ui.chat import GENERATION, explain
from ui.services import Services

RESULT_COLUMNS = ["task", "pairing (A vs B)", "votes", "A wins", "B wins", "ties", "A win rate", "95% CI"]


def card(ckpt: Checkpoint | None) -> str:
    if ckpt is None:
        return "### No checkpoint\nThis system answered that nothing in the repository matches."
    lines = [f"### {ckpt.name}", f"`{ckpt.id}` · trigger `{ckpt.trigger}`", f"subjects: {', '.join(ckpt.subjects)}"]
    if ckpt.styles:
        lines.append(f"styles: {', '.join(ckpt.styles)}")
    version = f"v{ckpt.version} · " if ckpt.version is not None else ""
    lines.append(f"{version}created {ckpt.created_at.date().isoformat()}")
    lines.append(f"> {ckpt.description}")
    return "\n\n".join(lines)


def results_table(votes: VoteStore) -> list[list]:
    table = []
    for task in ("selection", "image"):
        for r in votes.win_rates(task):
            low, high = r.interval
            table.append([task, r.pairing, r.votes, r.wins, r.losses, r.ties, f"{r.rate:.1%}",
                          f"{low:.1%} – {high:.1%}"])
    return table


def cached_image(home: Path, pair: ImagePair, system: str, base_sha256: str, checkpoint: Checkpoint,
                 settings: Settings) -> Path:
    """Where a rendered image of a pair is kept: keyed by what drew it too, so a retrained base, a
    re-uploaded checkpoint or other configured steps and guidance never show an evaluator a stale image."""
    drawn_by = hashlib.sha256(f"{base_sha256}|{checkpoint.sha256}|{settings.steps}|{settings.guidance}"
                              .encode()).hexdigest()[:12]
    return home / "judging" / f"{pair.pair_id}-{system}-{drawn_by}.png"


def build_judging_tab(services: Services, demo: gr.Blocks) -> None:
    records = services.repository.checkpoints

    # ---- handlers -------------------------------------------------------------------------
    def next_selection(evaluator):
        empty = (None, "", None, "", None, "")
        try:
            evaluator = check_evaluator(evaluator)
            pair = services.selection_pairs().next_pair(services.votes.seen(evaluator), random.Random())
        except Exception as err:
            return (*empty, f"⚠️ {explain(err)}")
        if pair is None:
            return (*empty, "You have judged every selection pair. Thank you! See **Results**.")
        left, right = (records.get(pair.choices[s]) if pair.choices[s] else None for s in (pair.left, pair.right))
        request = f"**Request:** “{pair.query.query}”"
        if pair.query.answer_hint:
            request += f"  \n*If asked which one, the user means:* “{pair.query.answer_hint}”"
        request += "\n\nWhich selection matches what the user meant better?"
        state = {"pair_id": pair.pair_id, "pairing": pair.pairing, "left": pair.left, "right": pair.right}
        return (state, request, left.thumbnail if left else None, card(left), right.thumbnail if right else None,
                card(right), "")

    def vote(task, evaluator, state, choice):
        if not state:
            return "Load a pair first (**Next pair**)."
        try:
            services.votes.add(Vote(check_evaluator(evaluator), task, state["pairing"], state["pair_id"],
                                    state["left"], state["right"], choice))
        except Exception as err:
            return f"⚠️ {explain(err)}"
        return f"Vote stored ({choice})."

    def vote_selection(evaluator, state, choice):
        message = vote("selection", evaluator, state, choice)
        outputs = next_selection(evaluator)
        return (*outputs[:-1], outputs[-1] or message)

    def render(pair: ImagePair, system: str, progress) -> str:
        checkpoint = records[pair.checkpoint_id]
        path = cached_image(services.home, pair, system, services.generator.store.fingerprint, checkpoint,
                            services.settings)
        if not path.is_file():
            bits, protect = IMAGE_SYSTEMS[system]
            settings = replace(services.settings, seed=pair.seed, bits=bits, protect=protect)
            image = services.generator.generate(pair.prompt, checkpoint, settings, show_bar=True)
            path.parent.mkdir(parents=True, exist_ok=True)
            image.save(path)
        return str(path)

    def next_image(evaluator, progress=gr.Progress(track_tqdm=True)):
        empty = (None, "", None, None)
        try:
            evaluator = check_evaluator(evaluator)
            pair = services.image_pairs().next_pair(services.votes.seen(evaluator), random.Random())
            if pair is None:
                return (*empty, "You have judged every image pair. Thank you! See **Results**.")
            left, right = render(pair, pair.left, progress), render(pair, pair.right, progress)
        except Exception as err:
            return (*empty, f"⚠️ {explain(err)}")
        state = {"pair_id": pair.pair_id, "pairing": pair.pairing, "left": pair.left, "right": pair.right}
        prompt = f"**Prompt:** `{pair.prompt}` (seed {pair.seed})\n\nWhich image shows the checkpoint's concept better?"
        return state, prompt, left, right, ""

    def vote_image(evaluator, state, choice, progress=gr.Progress(track_tqdm=True)):
        message = vote("image", evaluator, state, choice)
        outputs = next_image(evaluator, progress)
        return (*outputs[:-1], outputs[-1] or message)

    def results():
        path = services.home / "judging" / "win_rates.csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(services.votes.results_csv(), encoding="utf-8")
        return results_table(services.votes), str(path)

    # ---- layout ---------------------------------------------------------------------------
    evaluator = gr.Textbox(label="Evaluator name", placeholder="your name or initials", elem_id="evaluator")
    with gr.Tab("Selections"):
        sel_state = gr.State(None)
        sel_next = gr.Button("Next pair", elem_id="selection-next")
        sel_request = gr.Markdown()
        with gr.Row():
            with gr.Column():
                sel_left_img = gr.Image(label="Left", height=200, interactive=False)
                sel_left = gr.Markdown()
            with gr.Column():
                sel_right_img = gr.Image(label="Right", height=200, interactive=False)
                sel_right = gr.Markdown()
        with gr.Row():
            sel_buttons = [gr.Button("◀ Left is better"), gr.Button("Tie"), gr.Button("Right is better ▶")]
        sel_status = gr.Markdown()
    with gr.Tab("Images"):
        img_state = gr.State(None)
        img_next = gr.Button("Next pair (renders both images)", elem_id="image-next")
        img_prompt = gr.Markdown()
        with gr.Row():
            img_left = gr.Image(label="Left", height=256, interactive=False)
            img_right = gr.Image(label="Right", height=256, interactive=False)
        with gr.Row():
            img_buttons = [gr.Button("◀ Left is better"), gr.Button("Tie"), gr.Button("Right is better ▶")]
        img_status = gr.Markdown()
    with gr.Tab("Results"):
        refresh = gr.Button("Refresh", elem_id="results-refresh")
        table = gr.Dataframe(headers=RESULT_COLUMNS, interactive=False, elem_id="results-table")
        csv_file = gr.File(label="Win rates as CSV", interactive=False)
        gr.Markdown("Win rate of system A over B, ties counted as half a win; 95% Wilson score interval.")

    # ---- wiring ---------------------------------------------------------------------------
    sel_outputs = [sel_state, sel_request, sel_left_img, sel_left, sel_right_img, sel_right, sel_status]
    sel_next.click(next_selection, [evaluator], sel_outputs, api_name="next_selection")
    for button, choice in zip(sel_buttons, ("left", "tie", "right")):
        button.click(lambda e, s, c=choice: vote_selection(e, s, c), [evaluator, sel_state], sel_outputs,
                     api_name=f"vote_selection_{choice}")
    img_outputs = [img_state, img_prompt, img_left, img_right, img_status]
    img_next.click(next_image, [evaluator], img_outputs, concurrency_id=GENERATION, concurrency_limit=1,
                   api_name="next_image")
    for button, choice in zip(img_buttons, ("left", "tie", "right")):
        button.click(lambda e, s, c=choice, progress=gr.Progress(track_tqdm=True): vote_image(e, s, c, progress),
                     [evaluator, img_state], img_outputs, concurrency_id=GENERATION, concurrency_limit=1,
                     api_name=f"vote_image_{choice}")
    refresh.click(results, None, [table, csv_file], api_name="results")
    demo.load(results, None, [table, csv_file], api_name=False)
