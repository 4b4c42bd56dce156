"""Chat tab: a request goes through Check-in; a question shows its candidates as thumbnails;
a selection is explained, its prompt rewritten with the trigger, and the image generated.

The graph ends in its `generate` node (serve/draw.py): a run pauses before it, so the selection is
answered at once, then `CheckIn.draw` resumes the thread with the generation settings and this tab
turns the node's custom-stream events into one progress bar per phase (calibrating, denoising).
The browser keeps a random key (`gr.BrowserState`); the LangGraph thread id is an HMAC of it
(`ui.session_threads`), the thread itself lives in SQLite, so a reload or a restart shows the whole
conversation again (ui/history.py). Drawing runs in the shared "generation" concurrency group (one
at a time); selection does not wait for it. Pictures are served from `$PERSONALQ_HOME/public` only.
"""
from __future__ import annotations

import html
from functools import partial
import logging
import math
import traceback
from typing import Any

import gradio as gr

from agent.checkin import RequestError, Turn
from errors import InputError
from repo_store.loader import WeightsError
from serve.cache import MemoryBudgetError
from serve.checkpoints import CheckpointError
from serve.fast_path import fast_quantized_bits
from serve.generate import Settings
from serve.pipeline import BaseModelError
from ui.history import image_exists, replay
from ui.images import display_copy, shown_as_typed, without_markup
from ui.services import Services
from ui.session_threads import checked_session, new_session, thread_id

log = logging.getLogger("personalq.ui")
GENERATION = "generation"  # the concurrency group every image-producing event shares
USER_ERRORS = (RequestError, CheckpointError, WeightsError, MemoryBudgetError, BaseModelError, ValueError, KeyError)
# every example the page shows; tests/ui/test_app.py runs each through Check-in on the bundled repository
EXAMPLES = ("paint my dog on the beach", "the watercolor style from August", "Bruno the teddy bear in the snow")
WELCOME = (f"Hi! Ask for a picture with one of your checkpoints, e.g. *\"{EXAMPLES[0]}\"* or "
           f"*\"{EXAMPLES[1]}\"*. I will ask if several fit.")
esc = partial(html.escape, quote=False)  # text into a Markdown bubble or the page's HTML: shown, never run
PHASES = {"calibrating": ("Calibrating activation ranges", "batches"), "denoising": ("Denoising", "steps")}


def explain(err: Exception) -> str:
    """A user-facing sentence for an error; unexpected ones are logged with their traceback."""
    if isinstance(err, USER_ERRORS):
        return str(err.args[0]) if isinstance(err, KeyError) and err.args else str(err)
    log.error("unexpected error in the web app:\n%s", traceback.format_exc())
    return f"Something went wrong ({type(err).__name__}); the details are in the server log. Please try again."


def form_number(value: Any, field: str, whole: bool = False) -> float | int:
    """A form field's number, or an InputError naming the field and value (empty, NaN, infinite, fractional)."""
    try:
        number = float(value)
        if not math.isfinite(number) or (whole and number != int(number)):
            raise ValueError
    except (TypeError, ValueError):
        kind = "a whole number" if whole else "a finite number"
        raise InputError(f"{field} {value!r} is not {kind}") from None
    return int(number) if whole else number


def default_bits(services: Services) -> str:
    """The chat's precision until the visitor picks another: the fastest quantized one for the served base
    (W8A8 with the trigger protected at SD1.5 size on int8 kernels; 8-bit weights on the mini model)."""
    generator = services.generator
    return fast_quantized_bits(generator.base_source, generator.device.name)


def precision_choices(services: Services) -> list[tuple[str, str]]:
    float_name = {"float32": "fp32", "float16": "fp16", "bfloat16": "bf16"}.get(
        str(services.generator.device.dtype).removeprefix("torch."), str(services.generator.device.dtype))
    quantized = [(Settings(bits=bits, protect="none").label, bits) for bits in ("w8a8", "w4a8", "w8a4", "w4a4")]
    # 8-bit weights over the float compute: half the UNet's bytes at about float speed; the default where
    # integer W8A8 does not pay (`default_bits`; docs/results.md, Speed)
    return [(f"{Settings(bits='w8').label}, {float_name} compute", "w8"), (f"full precision ({float_name})", "float"),
            *quantized]


def progress_html(bars: dict[str, tuple[int, int]], title: str = "Drawing") -> str:
    """One labelled <progress> per phase seen so far; `done` never exceeds `total`."""
    if not bars:
        return ""
    rows = []
    for phase, (done, total) in bars.items():
        name, unit = PHASES.get(phase, (phase, ""))
        done = min(done, total)
        rows.append(f'<div class="pq-bar" data-phase="{esc(phase)}"><span class="pq-phase">{name}</span>'
                    f'<progress value="{done}" max="{total}"></progress>'
                    f'<span class="pq-count">{done} / {total} {unit}</span></div>')
    return f'<div class="pq-progress"><div class="pq-title">{esc(title)}</div>{"".join(rows)}</div>'


def _name(services: Services, checkpoint_id: str | None) -> str:
    ckpt = services.repository.checkpoints.get(checkpoint_id or "")
    return ckpt.name if ckpt else (checkpoint_id or "")


def render_turn(services: Services, turn: Turn, history: list[dict]) -> list[dict]:
    """`history` with the assistant's messages for `turn` appended."""
    if getattr(turn, "restarted", False):
        history.append({"role": "assistant", "content": "Starting a new request."})
    if turn.status == "clarify":
        history.append({"role": "assistant", "content": esc(turn.question or "") +
                        "\n\nClick a picture below or type your answer."})
        return history
    if turn.status == "no_match":  # the reasoner's message already names the closest checkpoints
        history.append({"role": "assistant", "content": esc(turn.message or
                                                                   "No checkpoint in the repository matches that.")})
        return history
    name = esc(_name(services, turn.checkpoint))
    history.append({"role": "assistant", "content": f"Selected **{name}** (`{turn.checkpoint}`)."})
    if turn.reasoning:
        history.append({"role": "assistant", "content": "\n".join(f"- {esc(s)}" for s in turn.reasoning),
                        "metadata": {"title": "Reasoning", "status": "done"}})
    history.append({"role": "assistant", "content": f"Prompt: `{turn.prompt}`"})
    return history


def render_drawing(services: Services, values: dict[str, Any]) -> list[dict]:
    """The image (enlarged for the page) and its caption, or why it could not be drawn."""
    drawn = values.get("drawn") or {}
    if drawn.get("error"):
        return [{"role": "assistant", "content": f"Could not generate the image: {esc(drawn['error'])}"}]
    path = values.get("image")
    if not image_exists(path):
        return [{"role": "assistant", "content": "(The image drawn here was deleted from the image folder.)"}]
    settings = drawn.get("settings", {})
    shown = display_copy(path, services.public.root / "display")
    return [{"role": "assistant", "content": {"path": str(shown), "alt_text": values.get("prompt") or ""}},
            {"role": "assistant", "content": f"{esc(drawn.get('name', ''))} · {drawn.get('label', '')} · "
                                             f"{settings.get('steps')} steps · seed {settings.get('seed')}"}]


def _user(text: str) -> dict:
    return {"role": "user", "content": shown_as_typed(text[:300]) or "(empty)"}


def _answer(answer: str, options: list[dict]) -> dict:
    label = next((o.get("name") for o in options if o.get("id") == answer), None)
    return {"role": "user", "content": f"→ {esc(label)}" if label else shown_as_typed(answer[:300])}


def _options_gallery(services: Services, options: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """Gallery items: the served thumbnail copies (the placeholder where one is missing or unreadable),
    enlarged, with the option's name and one-line difference."""
    records, display = services.repository.checkpoints, services.public.root / "display"
    return [(str(display_copy(services.public.thumbnail(records.get(o.get("id"))), display)),
             f"{o['name']} — {o['why']}") for o in options]


def transcript(services: Services, thread: str) -> tuple[list[dict], list[dict], str | None]:
    """A thread as the chat shows it after a reload: (messages after the welcome, the options of a pending
    question, the last image drawn)."""
    checkin = services.checkin
    snapshots = checkin.history(thread)
    history = replay(snapshots, lambda turn, h: render_turn(services, turn, h), _user, _answer,
                     lambda values: render_drawing(services, values))
    options = checkin.turn(thread).options if checkin.pending(thread) else []
    images = [s.values.get("image") for s in snapshots if s.values.get("image")]
    return history, options, images[-1] if images else None


def _download(path: str | None):
    if not image_exists(path):
        return gr.update(value=None, visible=False)
    return gr.update(value=path, visible=True, label="Download the original image")


def build_chat_tab(services: Services, demo: gr.Blocks) -> None:
    # ---- handlers -------------------------------------------------------------------------
    def welcome() -> list[dict]:
        return [{"role": "assistant", "content": WELCOME}]

    def restore(session):
        """Page load: this browser's thread replayed from SQLite (requests, answers, selections, images)."""
        session = checked_session(session)
        history, options, original = welcome(), [], None
        try:
            shown, options, original = transcript(services, thread_id(services.browser_secret, session))
            history += shown
        except Exception as err:  # a damaged thread must not break the page: start a new one
            history.append({"role": "assistant", "content": explain(err)})
            session = new_session()
        gallery = gr.update(value=_options_gallery(services, options), visible=bool(options))
        return session, history, gallery, options, _download(original)

    def send(text, history, session, answer_id=None, label=None):
        session = checked_session(session)
        history = list(history or [])
        options: list[dict] = []
        job = None
        keep = ""  # what stays in the input box: a refused request, to be edited
        try:
            checkin = services.checkin
            thread = thread_id(services.browser_secret, session)
            if answer_id is not None:
                history.append({"role": "user", "content": f"→ {esc(label or answer_id)}"})
                turn = checkin.reply(answer_id, thread)
            else:
                typed = text or ""
                history.append(_user(typed.strip()))
                request = without_markup(typed)  # markup typed is shown, never passed on
                try:
                    pending = checkin.pending(thread)
                    turn = checkin.reply(request, thread) if pending else checkin.ask(request, thread, services.today())
                except RequestError:
                    keep = typed  # refused (empty, too long): it stays in the box to be edited
                    raise
            history = render_turn(services, turn, history)
            if turn.status == "selected":
                job = {"thread": thread}
            options = turn.options if turn.status == "clarify" else []
        except Exception as err:
            history.append({"role": "assistant", "content": esc(explain(err))})
        gallery = gr.update(value=_options_gallery(services, options), visible=bool(options))
        return keep, history, gallery, options, job, session

    def pick(options, history, session, evt: gr.SelectData):
        if not options or evt.index is None or evt.index >= len(options):
            return "", history, gr.update(), options, None, session
        chosen = options[evt.index]
        return send(None, history, session, answer_id=chosen["id"], label=chosen.get("name"))

    def new_conversation():
        return (new_session(), welcome(), gr.update(value=[], visible=False), [], None, "",
                gr.update(value=None, visible=False))

    def generate(job, history, bits, protect, steps, seed, guidance):
        """Resume the thread into its generate node; one progress bar per phase from the custom stream."""
        history = list(history or [])
        if not job:
            yield history, None, "", gr.update()
            return
        bars: dict[str, tuple[int, int]] = {}
        try:
            settings = Settings(steps=form_number(steps, "steps", whole=True), seed=form_number(seed, "seed", whole=True),
                                guidance=form_number(guidance, "guidance"), bits=bits,
                                protect="trigger" if protect else "none")
            generation = {"steps": settings.steps, "seed": settings.seed, "guidance": settings.guidance,
                          "bits": settings.bits, "protect": settings.protect}
            yield history, None, progress_html({"denoising": (0, settings.steps)}, "Drawing: waiting for its turn"), \
                gr.update()
            for event in services.checkin.draw(job["thread"], generation):
                bars[event["phase"]] = (event["done"], event["total"])
                yield history, None, progress_html(bars), gr.update()
            values = services.checkin.graph.get_state({"configurable": {"thread_id": job["thread"]}}).values
            history += render_drawing(services, values)
            yield history, None, "", _download(values.get("image"))
        except Exception as err:
            history.append({"role": "assistant", "content": f"Could not generate the image: {esc(explain(err))}"})
            yield history, None, "", gr.update()

    # ---- layout ---------------------------------------------------------------------------
    session = gr.BrowserState({"key": None}, storage_key="personalq-chat", secret=services.browser_secret)
    options = gr.State([])
    job = gr.State(None)
    chatbot = gr.Chatbot(label="PersonalQ", height=560, elem_id="chat", sanitize_html=True)
    progress = gr.HTML("", elem_id="progress")
    gallery = gr.Gallery(label="Which one do you mean?", columns=4, height="auto", object_fit="contain",
                         visible=False, elem_id="candidates", allow_preview=False, preview=False)
    with gr.Row(equal_height=True):
        box = gr.Textbox(placeholder=EXAMPLES[0], show_label=False, scale=8, max_lines=4, elem_id="request")
        send_btn = gr.Button("Send", variant="primary", scale=1, min_width=80)
        new_btn = gr.Button("New conversation", scale=1, min_width=80, elem_id="new-conversation")
    download = gr.DownloadButton("Download the original image", visible=False, elem_id="download-original",
                                 size="sm")
    with gr.Accordion("Generation settings", open=False):
        with gr.Row():
            bits = gr.Dropdown(precision_choices(services), value=default_bits(services), label="Precision")
            protect = gr.Checkbox(True, label="TAQ: keep the trigger's attention in full precision (quantized only)")
        with gr.Row():
            steps = gr.Slider(1, 50, value=services.settings.steps, step=1, label="Steps")
            seed = gr.Number(0, precision=0, label="Seed")
            guidance = gr.Slider(0, 15, value=services.settings.guidance, step=0.5, label="Guidance")

    # ---- wiring ---------------------------------------------------------------------------
    turn_outputs = [box, chatbot, gallery, options, job, session]
    gen_inputs = [job, chatbot, bits, protect, steps, seed, guidance]
    gen_outputs = [chatbot, job, progress, download]
    for event in (box.submit, send_btn.click):
        event(send, [box, chatbot, session], turn_outputs, api_name="send" if event == box.submit else False,
              concurrency_limit=8, show_progress="hidden").then(
            generate, gen_inputs, gen_outputs, concurrency_id=GENERATION, concurrency_limit=1,
            api_name="generate" if event == box.submit else False, show_progress="hidden")
    gallery.select(pick, [options, chatbot, session], turn_outputs, concurrency_limit=8,
                   show_progress="hidden").then(
        generate, gen_inputs, gen_outputs, concurrency_id=GENERATION, concurrency_limit=1, show_progress="hidden")
    clear_outputs = [session, chatbot, gallery, options, job, progress, download]
    new_btn.click(new_conversation, None, clear_outputs, api_name=False)
    chatbot.clear(new_conversation, None, clear_outputs, api_name=False)  # the chat's own clear button too
    demo.load(restore, [session], [session, chatbot, gallery, options, download], api_name=False)
