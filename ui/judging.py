"""Judging tab: evaluators click pairwise preferences (selections, then images); votes go to SQLite at once.

Sides are shuffled per pair and systems stay anonymous until the results view: nothing on the page
(labels, progress, status) names the setting that drew a side. An evaluator never sees a pair twice
(the store refuses a second vote on the same pair id). Image pairs are drawn by a background worker
(judging/render.py): the next pair is drawn while the evaluator looks at the current one, and the page
says so when a pair is not ready yet. The evaluator's name is kept in the browser.
"""
from __future__ import annotations

import csv
import io
import random
from concurrent.futures import wait
from pathlib import Path

import gradio as gr

from judging.votes import Vote, VoteStore, check_evaluator
from repo_store.schema import Checkpoint
from ui.chat import explain, progress_html
from ui.images import display_copy
from ui.services import Services

EVALUATOR_KEY = "personalq-evaluator"
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


def results_csv(table: list[list]) -> str:
    """The results table as CSV: the same columns, the same values."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(RESULT_COLUMNS)
    writer.writerows(table)
    return out.getvalue()


def build_judging_tab(services: Services, demo: gr.Blocks) -> None:
    def records() -> dict[str, Checkpoint]:
        return services.repository.checkpoints

    def shown(path: str | Path) -> str:
        """The page's copy of a served image (enlarged when small)."""
        return str(display_copy(path, services.public.root / "display"))

    def thumb(ckpt: Checkpoint | None) -> str:
        """A checkpoint's thumbnail as served (the placeholder where it is missing), enlarged."""
        return shown(services.public.thumbnail(ckpt))

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
        left, right = (records().get(pair.choices[s]) if pair.choices[s] else None for s in (pair.left, pair.right))
        request = f"**Request:** “{pair.query.query}”"
        if pair.query.answer_hint:
            request += f"  \n*If asked which one, the user means:* “{pair.query.answer_hint}”"
        request += "\n\nWhich selection matches what the user meant better?"
        state = {"pair_id": pair.pair_id, "pairing": pair.pairing, "left": pair.left, "right": pair.right}
        return (state, request, thumb(left) if left else None, card(left), thumb(right) if right else None,
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

    def next_image(evaluator, message=""):
        """Show the next image pair; while it is being drawn, say so with the drawing's progress.
        Once shown, the pair after it is queued for drawing in the background."""
        empty = (None, "", None, None, None)
        try:
            evaluator = check_evaluator(evaluator)
            pairs, seen = services.image_pairs(), services.votes.seen(evaluator)
            pair = pairs.next_pair(seen, random.Random())
            if pair is None:
                yield (*empty, message or "You have judged every image pair. Thank you! See **Results**.", "")
                return
            renderer = services.renderer()
            futures = renderer.submit(pair)
            checkpoint = records()[pair.checkpoint_id]
            reference = thumb(checkpoint)
            prompt = (f"**Prompt:** `{pair.prompt}` (seed {pair.seed})\n\nWhich image shows the concept of "
                      f"**{checkpoint.name}** (its reference picture on the right) better?")
            while not all(f.done() for f in futures):
                drawing = next(i for i, f in enumerate(futures) if not f.done())
                yield (None, prompt, None, None, reference, "This pair is not ready yet: it is being drawn now.",
                       progress_html(renderer.progress(), f"Drawing image {drawing + 1} of 2"))
                wait(futures, timeout=0.5)
            left, right = (shown(f.result()) for f in futures)
        except Exception as err:  # the vote just given (if any) is stored: say so too
            yield (*empty, f"{message} ⚠️ {explain(err)}".strip(), "")
            return
        state = {"pair_id": pair.pair_id, "pairing": pair.pairing, "left": pair.left, "right": pair.right}
        yield state, prompt, left, right, reference, message, ""
        upcoming = pairs.next_pair(seen | {pair.pair_id}, random.Random())
        if upcoming is not None:
            renderer.submit(upcoming)

    def image_voter(choice: str):
        def vote_image(evaluator, state):
            yield from next_image(evaluator, vote("image", evaluator, state, choice))
        return vote_image

    def results():
        path = services.public.judging / "win_rates.csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        table = results_table(services.votes)
        path.write_text(results_csv(table), encoding="utf-8")
        return table, str(path)

    # ---- layout ---------------------------------------------------------------------------
    evaluator = gr.Textbox(label="Evaluator name", placeholder="your name or initials", elem_id="evaluator")
    with gr.Tab("Selections"):
        sel_state = gr.State(None)
        sel_next = gr.Button("Next pair", elem_id="selection-next")
        sel_request = gr.Markdown()
        with gr.Row():
            with gr.Column():
                sel_left_img = gr.Image(label="Left", height=200, interactive=False, elem_classes="pq-pixels")
                sel_left = gr.Markdown()
            with gr.Column():
                sel_right_img = gr.Image(label="Right", height=200, interactive=False, elem_classes="pq-pixels")
                sel_right = gr.Markdown()
        with gr.Row():
            sel_buttons = [gr.Button("◀ Left is better"), gr.Button("Tie"), gr.Button("Right is better ▶")]
        sel_status = gr.Markdown()
    with gr.Tab("Images"):
        img_state = gr.State(None)
        img_next = gr.Button("Next pair", elem_id="image-next")
        img_prompt = gr.Markdown(elem_id="image-prompt")
        img_status = gr.Markdown(elem_id="image-status")
        img_progress = gr.HTML("", elem_id="judging-progress")
        with gr.Row(elem_id="image-pair"):
            img_left = gr.Image(label="Left", height=320, interactive=False, elem_id="image-left",
                                elem_classes="pq-pixels")
            img_right = gr.Image(label="Right", height=320, interactive=False, elem_id="image-right",
                                 elem_classes="pq-pixels")
            img_reference = gr.Image(label="Reference", height=320, interactive=False,
                                     elem_id="image-reference", elem_classes="pq-pixels")
        with gr.Row():
            img_buttons = [gr.Button("◀ Left is better", elem_id="image-vote-left"),
                           gr.Button("Tie", elem_id="image-vote-tie"),
                           gr.Button("Right is better ▶", elem_id="image-vote-right")]
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
    img_outputs = [img_state, img_prompt, img_left, img_right, img_reference, img_status, img_progress]
    img_next.click(next_image, [evaluator], img_outputs, api_name="next_image", show_progress="hidden")
    for button, choice in zip(img_buttons, ("left", "tie", "right")):
        button.click(image_voter(choice), [evaluator, img_state], img_outputs, api_name=f"vote_image_{choice}",
                     show_progress="hidden")
    # the evaluator's name stays in this browser (localStorage), in the page only: no server round trip
    evaluator.change(None, [evaluator], None, js=f"(name) => {{ localStorage.setItem('{EVALUATOR_KEY}', name); }}")
    demo.load(None, None, [evaluator], js=f"() => localStorage.getItem('{EVALUATOR_KEY}') || ''")
    refresh.click(results, None, [table, csv_file], api_name="results")
    demo.load(results, None, [table, csv_file], api_name=False)
