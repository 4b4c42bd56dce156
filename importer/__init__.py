"""Import the checkpoint folders people already have (kohya sd-scripts output, A1111/ComfyUI `models/Lora`
with Civitai Helper / LoRA-Manager sidecars, A1111 embeddings and single-file checkpoints) into a PersonalQ
repository folder: one YAML per checkpoint, weights linked or copied, a thumbnail, a report of what was guessed.

    layout.py   kind and base family from the key layout and shapes; fit against the loaded base (diffusers' converters)
    kohya.py    ss_* / modelspec.* header metadata          civitai.py  .civitai.info / .metadata.json / previews
    infer.py    triggers, subjects, dates, versions         run.py      the import itself      report.py  the table
"""
from importer.run import ImportOptions, ImportReport, Row, import_folder

__all__ = ["ImportOptions", "ImportReport", "Row", "import_folder"]
