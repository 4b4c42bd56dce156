"""Repository tab: browse and search the checkpoints; add one by uploading a `.safetensors` file, or import a
whole folder of kohya / A1111 / ComfyUI checkpoints (`importer`)."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import gradio as gr

from repo_store.schema import KINDS, Checkpoint
from repo_store.upload import UploadError, add_checkpoint
from ui.chat import explain
from ui.services import Services

COLUMNS = ["id", "name", "triggers", "subjects", "styles", "created", "version", "kind", "size", "quantized cache"]


def _size(ckpt: Checkpoint) -> str:
    if not ckpt.weights or not Path(ckpt.weights).is_file():
        return "–"
    size = Path(ckpt.weights).stat().st_size
    return f"{size / 2**20:.1f} MB" if size >= 2**20 else f"{size / 2**10:.0f} KB"


def rows(services: Services, checkpoints: list[Checkpoint]) -> list[list[str]]:
    store = services.generator.store
    return [[c.id, c.name, " ".join(c.triggers), ", ".join(c.subjects), ", ".join(c.styles),
             c.created_at.date().isoformat(), "" if c.version is None else str(c.version), c.kind or "",
             _size(c), ", ".join(store.cached(c)) or "no"] for c in checkpoints]


def _split(text: str | None) -> list[str]:
    return [part.strip() for part in (text or "").split(",") if part.strip()]


def _version(text: str | int | None) -> int | None:
    """The form's version: empty means none; anything else must be a whole number."""
    text = str(text if text is not None else "").strip()
    if not text:
        return None
    if not text.removeprefix("v").isdigit():
        raise UploadError(f"version {text!r} is not a whole number; leave it empty or write e.g. 5")
    return int(text.removeprefix("v"))


def build_repository_tab(services: Services, demo: gr.Blocks) -> None:
    # ---- handlers -------------------------------------------------------------------------
    def browse(query):
        query = (query or "").strip()[:2000]
        if query:
            hits = services.repository.retrieve(query, k=24)
            worded = [h for h in hits if h.lexical or h.exact_trigger or h.name_match]
            if worded:  # a search box narrows: keep the checkpoints whose words match, in hybrid order
                found = [h.checkpoint for h in worded]
                note = f"{len(found)} checkpoints match “{query}” (hybrid retrieval, best first)"
            else:
                found = [h.checkpoint for h in hits[:8]]
                note = f"No checkpoint uses the words “{query}”; the {len(found)} closest by meaning"
        else:
            found = sorted(services.repository.checkpoints.values(), key=lambda c: c.created_at, reverse=True)
            note = f"{len(found)} checkpoints in {services.repository.loaded.root}, newest first"
        gallery = [(services.public.thumbnail(c), f"{c.name} · {c.id}") for c in found]
        return gallery, rows(services, found), note

    def add(weights, thumbnail, ckpt_id, name, triggers, subjects, description, styles, created, version, kind, base):
        try:
            if weights is None:
                raise UploadError("Choose a .safetensors weights file to upload.")
            fields = {"id": (ckpt_id or "").strip(), "name": name, "triggers": _split(triggers),
                      "subjects": _split(subjects), "description": description, "styles": _split(styles),
                      "created_at": (created or "").strip() or date.today().isoformat(),
                      "version": _version(version),
                      "kind": kind, "base_model": (base or "").strip() or None}
            ckpt = add_checkpoint(services.repository.loaded.root, fields, weights, thumbnail,
                                  set(services.repository.checkpoints), max_bytes=services.max_upload_mb * 2**20,
                                  move=True)
            services.refresh_repository()
            folder = Path(services.repository.loaded.root).resolve()
            status = (f"Added **{ckpt.name}** (`{ckpt.id}`, trigger `{ckpt.trigger}`) to the repository folder "
                      f"`{folder}` (`PERSONALQ_REPO`); it is indexed and selectable now.")
        except Exception as err:
            status = f"Not added: {explain(err)}"
        return (status, *browse(""))

    def import_dir(folder, mode, draw):
        from importer import ImportOptions, import_folder
        from importer.report import markdown
        from importer.thumbnails import generator_drawer

        try:
            folder = (folder or "").strip()
            if not folder:
                raise ValueError("Type the path of a folder on this machine, e.g. ~/stable-diffusion-webui/models/Lora.")
            report = import_folder(folder, services.repository.loaded.root, services.generator.base_source,
                                   ImportOptions(weights=mode), draw=generator_drawer(services.generator) if draw else None)
            services.refresh_repository()
            status = markdown(report)
        except Exception as err:
            status = f"Not imported: {explain(err)}"
        return (status, *browse(""))

    # ---- layout ---------------------------------------------------------------------------
    with gr.Row():
        query = gr.Textbox(placeholder="search: corgi, watercolor, April, v2 …", show_label=False, scale=8,
                           elem_id="repo-search")
        search = gr.Button("Search", scale=1)
    note = gr.Markdown()
    gallery = gr.Gallery(label="Thumbnails", columns=8, height=260, allow_preview=True, elem_id="repo-gallery")
    table = gr.Dataframe(headers=COLUMNS, interactive=False, wrap=True, elem_id="repo-table",
                         column_widths=["9%", "10%", "10%", "14%", "12%", "9%", "7%", "9%", "7%", "13%"])
    with gr.Accordion("Add a checkpoint", open=False):
        gr.Markdown("Upload a `.safetensors` file (LoRA, DreamBooth UNet or textual inversion) and describe it. "
                    "Pickle files (`.ckpt`, `.bin`, `.pt`) are refused. The files are saved into the repository "
                    f"folder `{Path(services.repository.loaded.root).resolve()}` (set by `PERSONALQ_REPO`).",
                    elem_id="upload-where")
        with gr.Row():
            weights = gr.File(label="Weights (.safetensors)", type="filepath")
            thumbnail = gr.Image(label="Thumbnail (optional)", type="filepath", height=160)
        with gr.Row():
            ckpt_id = gr.Textbox(label="id", placeholder="bear-v5")
            name = gr.Textbox(label="Name", placeholder="Tan teddy bear")
            triggers = gr.Textbox(label="Triggers (comma-separated, first is canonical)", placeholder="<bear-v5>")
        with gr.Row():
            subjects = gr.Textbox(label="Subjects", placeholder="bear, teddy bear, plush toy")
            styles = gr.Textbox(label="Styles", placeholder="photorealistic")
            created = gr.Textbox(label="Created (YYYY-MM-DD)", placeholder="today when left empty")
        description = gr.Textbox(label="Description", placeholder="A small plush teddy bear, tan with a cream snout.")
        with gr.Row():
            version = gr.Textbox("", label="Version", placeholder="optional, e.g. 5", elem_id="upload-version")
            kind = gr.Dropdown(list(KINDS), value="lora", label="Kind")
            base = gr.Textbox(label="Base model", value=services.generator.base)
        add_btn = gr.Button("Add to the repository", variant="primary")
        status = gr.Markdown(elem_id="upload-status")
    with gr.Accordion("Import a folder", open=False):
        gr.Markdown("A folder on this machine with LoRAs, embeddings or checkpoints from kohya sd-scripts, A1111 or "
                    "ComfyUI (Civitai sidecars and previews are read). Nothing in it is changed; guessed fields are "
                    "marked * in the report.")
        with gr.Row():
            import_src = gr.Textbox(label="Folder", placeholder="~/stable-diffusion-webui/models/Lora", scale=6)
            import_mode = gr.Radio(["link", "copy"], value="link", label="Weights", scale=2)
            import_draw = gr.Checkbox(value=True, label="Draw missing thumbnails", scale=2)
        import_btn = gr.Button("Import", variant="primary")
        import_status = gr.Markdown(elem_id="import-status")

    # ---- wiring ---------------------------------------------------------------------------
    query.submit(browse, [query], [gallery, table, note], api_name="browse")
    search.click(browse, [query], [gallery, table, note], api_name=False)
    add_btn.click(add, [weights, thumbnail, ckpt_id, name, triggers, subjects, description, styles, created, version,
                        kind, base], [status, gallery, table, note], api_name="add_checkpoint")
    import_btn.click(import_dir, [import_src, import_mode, import_draw], [import_status, gallery, table, note],
                     api_name="import_folder")
    demo.load(browse, [query], [gallery, table, note], api_name=False)
