"""Chat tab: a request goes through Check-in; a question shows its candidates as thumbnails;
a selection is explained, its prompt rewritten with the trigger, and the image generated.

The LangGraph thread id lives in the browser (`gr.BrowserState`), the thread itself in SQLite,
so a reload finds a pending question again. Generation runs in the shared "generation"
concurrency group (one at a time); selection does not wait for it.
"""
from __future__ import annotations

import logging
import traceback
import uuid
from typing import Any

import gradio as gr

from agent.checkin import RequestError, Turn
from repo_store.loader import WeightsError
from serve.cache import MemoryBudgetError
from serve.checkpoints import CheckpointError
from serve.generate import Settings
from serve.pipeline import BaseModelError
from ui.services import Services

log = logging.getLogger("personalq.ui")
GENERATION = "generation"  # the concurrency group every image-producing event shares
USER_ERRORS = (RequestError, CheckpointError, WeightsError, MemoryBudgetError, BaseModelError, ValueError, KeyError)
WELCOME = ("Hi! Ask for a picture with one of your checkpoints, e.g. *\"paint my dog on the beach\"* or "
           "*\"the watercolor style from March\"*. I will ask if several fit.")


def explain(err: Exception) -> str:
    """A user-facing sentence for an error; unexpected ones are logged with their traceback."""
    if isinstance(err, USER_ERRORS):
        return str(err.args[0]) if isinstance(err, KeyError) and err.args else str(err)
    log.error("unexpected error in the web app:\n%s", traceback.format_exc())
    return f"Something went wrong ({type(err).__name__}); the details are in the server log. Please try again."


def precision_choices(services: Services) -> list[tuple[str, str]]:
    float_name = str(services.generator.device.dtype).removeprefix("torch.").replace("float", "fp")
    return [(f"{float_name} (full precision)", "float"), ("W8A8", "w8a8"), ("W4A8", "w4a8"), ("W8A4", "w8a4"),
            ("W4A4", "w4a4")]


def _options_gallery(options: list[dict[str, Any]]) -> list[tuple[str | None, str]]:
    return [(o.get("thumbnail"), f"{o['name']} — {o['why']}") for o in options]


def render_turn(services: Services, turn: Turn, history: list[dict]) -> tuple[list[dict], dict | None]:
    """Append the assistant's messages for `turn`; return (history, generation job or None)."""
    if turn.status == "clarify":
        history.append({"role": "assistant", "content": turn.question + "\n\nClick a thumbnail below or type your answer."})
        return history, None
    if turn.status == "no_match":
        text = turn.message or "No checkpoint in the repository matches that."
        closest = [services.repository.checkpoints[i] for i in turn.candidates[:3] if i in services.repository.checkpoints]
        if closest:
            text += "\n\nClosest checkpoints: " + ", ".join(f"**{c.name}** (`{c.id}`)" for c in closest)
        history.append({"role": "assistant", "content": text})
        return history, None
    ckpt = services.repository.checkpoints.get(turn.checkpoint)
    name = ckpt.name if ckpt else turn.checkpoint
    history.append({"role": "assistant", "content": f"Selected **{name}** (`{turn.checkpoint}`)."})
    if turn.reasoning:
        history.append({"role": "assistant", "content": "\n".join(f"- {step}" for step in turn.reasoning),
                        "metadata": {"title": "Reasoning", "status": "done"}})
    history.append({"role": "assistant", "content": f"Prompt: `{turn.prompt}`"})
    return history, {"checkpoint": turn.checkpoint, "prompt": turn.prompt}


def _thread(session: dict | None) -> dict:
    if not isinstance(session, dict) or not session.get("thread"):
        return {"thread": f"web-{uuid.uuid4().hex}"}
    return session


def build_chat_tab(services: Services, demo: gr.Blocks) -> None:
    # ---- handlers -------------------------------------------------------------------------
    def restore(session):
        """Page load: a fresh chat, or the pending question of this browser's thread."""
        session = _thread(session)
        history = [{"role": "assistant", "content": WELCOME}]
        options: list[dict] = []
        try:
            if services.checkin.pending(session["thread"]):
                turn = services.checkin.turn(session["thread"])
                state = services.checkin.graph.get_state({"configurable": {"thread_id": session["thread"]}}).values
                history.append({"role": "user", "content": state.get("request", "")})
                history, _ = render_turn(services, turn, history)
                options = turn.options
        except Exception as err:  # a damaged thread must not break the page: start a new one
            history.append({"role": "assistant", "content": explain(err)})
            session = {"thread": f"web-{uuid.uuid4().hex}"}
        return session, history, gr.update(value=_options_gallery(options), visible=bool(options)), options

    def send(text, history, session, answer_id=None, label=None):
        session = _thread(session)
        history = list(history or [])
        shown = answer_id or (text or "")
        options: list[dict] = []
        job = None
        try:
            checkin = services.checkin
            pending = checkin.pending(session["thread"])
            if answer_id is None:
                history.append({"role": "user", "content": (text or "").strip()[:300] or "(empty)"})
            else:
                history.append({"role": "user", "content": f"→ {label or shown}"})
            if pending:
                turn = checkin.reply(shown if answer_id else (text or ""), session["thread"])
            else:
                turn = checkin.ask(text, session["thread"], services.today())
            history, job = render_turn(services, turn, history)
            options = turn.options if turn.status == "clarify" else []
        except Exception as err:
            history.append({"role": "assistant", "content": explain(err)})
        gallery = gr.update(value=_options_gallery(options), visible=bool(options))
        return "", history, gallery, options, job, session

    def pick(options, history, session, evt: gr.SelectData):
        if not options or evt.index is None or evt.index >= len(options):
            return "", history, gr.update(), options, None, session
        chosen = options[evt.index]
        return send(None, history, session, answer_id=chosen["id"], label=chosen.get("name"))

    def new_conversation():
        return ({"thread": f"web-{uuid.uuid4().hex}"}, [{"role": "assistant", "content": WELCOME}],
                gr.update(value=[], visible=False), [], None)

    def generate(job, history, bits, protect, steps, seed, guidance, progress=gr.Progress(track_tqdm=True)):
        if not job:
            return history, None
        history = list(history)
        try:
            checkpoint = services.repository.get(job["checkpoint"])
            settings = Settings(steps=int(steps), seed=int(seed), guidance=float(guidance), bits=bits,
                                protect="trigger" if protect else "none")
            image = services.generator.generate(job["prompt"], checkpoint, settings, show_bar=True)
            path = services.images_dir / f"{job['checkpoint']}-{uuid.uuid4().hex[:10]}.png"
            image.save(path)
            label = settings.taq.name if settings.taq else "full precision"
            history.append({"role": "assistant", "content": {"path": str(path), "alt_text": job["prompt"]}})
            history.append({"role": "assistant", "content": f"{checkpoint.name} · {label} · {settings.steps} steps · "
                                                            f"seed {settings.seed}"})
        except Exception as err:
            history.append({"role": "assistant", "content": f"Could not generate the image: {explain(err)}"})
        return history, None

    # ---- layout ---------------------------------------------------------------------------
    session = gr.BrowserState({"thread": None}, storage_key="personalq-chat", secret=services.browser_secret)
    options = gr.State([])
    job = gr.State(None)
    chatbot = gr.Chatbot(label="PersonalQ", height=520, elem_id="chat")
    gallery = gr.Gallery(label="Which one do you mean?", columns=4, height=220, visible=False, elem_id="candidates",
                         allow_preview=False)
    with gr.Row():
        box = gr.Textbox(placeholder="paint my dog from last week on the beach", show_label=False, scale=8,
                         max_lines=4, elem_id="request")
        send_btn = gr.Button("Send", variant="primary", scale=1)
        new_btn = gr.Button("New conversation", scale=1)
    with gr.Accordion("Generation settings", open=False):
        with gr.Row():
            bits = gr.Dropdown(precision_choices(services), value="float", label="Precision")
            protect = gr.Checkbox(True, label="TAQ: keep the trigger's attention in full precision")
        with gr.Row():
            steps = gr.Slider(1, 50, value=services.settings.steps, step=1, label="Steps")
            seed = gr.Number(0, precision=0, label="Seed")
            guidance = gr.Slider(0, 15, value=services.settings.guidance, step=0.5, label="Guidance")

    # ---- wiring ---------------------------------------------------------------------------
    turn_outputs = [box, chatbot, gallery, options, job, session]
    gen_inputs = [job, chatbot, bits, protect, steps, seed, guidance]
    for event in (box.submit, send_btn.click):
        event(send, [box, chatbot, session], turn_outputs, api_name="send" if event == box.submit else False,
              concurrency_limit=8).then(generate, gen_inputs, [chatbot, job], concurrency_id=GENERATION,
                                        concurrency_limit=1, api_name="generate" if event == box.submit else False)
    gallery.select(pick, [options, chatbot, session], turn_outputs, concurrency_limit=8).then(
        generate, gen_inputs, [chatbot, job], concurrency_id=GENERATION, concurrency_limit=1)
    new_btn.click(new_conversation, None, [session, chatbot, gallery, options, job], api_name=False)
    demo.load(restore, [session], [session, chatbot, gallery, options], api_name=False)
