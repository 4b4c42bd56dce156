"""`build_app(services)`: the three tabs in one Blocks; `launch(...)` serves it on 127.0.0.1."""
from __future__ import annotations

import gradio as gr

from errors import ConfigError

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


LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


def launch(services: Services, host: str = "127.0.0.1", port: int = 7860, block: bool = True,
           auth: list[tuple[str, str]] | None = None) -> gr.Blocks:
    """Queue (generation one at a time, selection alongside) and serve.

    Only `$PERSONALQ_HOME/public` is served (thumbnail copies, generated images); the repository and
    the rest of home (SQLite files, index, browser secret) are blocked. Beyond localhost a login is
    required (uploads and judging results included), and uploads are cut off at `max_upload_mb`."""
    if host not in LOCAL_HOSTS and not auth:
        raise ConfigError(f"serving on {host} makes uploads and judging results reachable from the network; "
                         "set PERSONALQ_AUTH=user:password (or serve on 127.0.0.1)")
    demo = build_app(services)
    demo.queue(default_concurrency_limit=4, max_size=64)
    public = services.public
    demo.launch(server_name=host, server_port=port, allowed_paths=[str(public.root)],
                blocked_paths=public.blocked(services.home, services.repository.loaded.root),
                max_file_size=services.max_upload_mb * 2**20, auth=auth or None, prevent_thread_lock=not block,
                show_error=False, theme=gr.themes.Soft(), css=CSS, quiet=not block)
    return demo
