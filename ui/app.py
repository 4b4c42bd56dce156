"""`build_app(services)`: the three tabs in one Blocks; `launch(...)` serves it on 127.0.0.1."""
from __future__ import annotations

from pathlib import Path

import gradio as gr

from ui.chat import build_chat_tab
from ui.judging import build_judging_tab
from ui.repository import build_repository_tab
from ui.services import Services
from ui.style import CSS

TITLE = "PersonalQ — select, quantize and serve personalized diffusion models"


def build_app(services: Services) -> gr.Blocks:
    with gr.Blocks(title="PersonalQ") as demo:
        gr.Markdown(f"## {TITLE}")
        with gr.Tab("Chat", elem_id="tab-chat"):
            build_chat_tab(services, demo)
        with gr.Tab("Repository", elem_id="tab-repository"):
            build_repository_tab(services, demo)
        with gr.Tab("Judging", elem_id="tab-judging"):
            build_judging_tab(services, demo)
    return demo


def launch(services: Services, host: str = "127.0.0.1", port: int = 7860, block: bool = True) -> gr.Blocks:
    """Queue (generation one at a time, selection alongside) and serve; thumbnails and images are allowed paths."""
    demo = build_app(services)
    demo.queue(default_concurrency_limit=4, max_size=64)
    allowed = [str(Path(services.repository.loaded.root).resolve()), str(services.home.resolve())]
    demo.launch(server_name=host, server_port=port, allowed_paths=allowed, prevent_thread_lock=not block,
                show_error=False, theme=gr.themes.Soft(), css=CSS, quiet=not block)
    return demo
