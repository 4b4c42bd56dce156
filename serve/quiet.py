"""Known harmless library warnings, dropped by logger and message only (anything else still shows).

- transformers, at start: "`CLIPImageProcessor` requires torchvision (not installed); falling back to
  `CLIPImageProcessorPil`": the PIL image processor is what the pipeline's feature extractor needs.
- diffusers, on every LoRA load: "No LoRA keys associated to CLIPTextModel found with the prefix=
  'text_encoder'": our LoRAs adapt the UNet only, so the text encoder has nothing to load.
"""
from __future__ import annotations

import logging
import re

KNOWN = {
    "transformers.utils.import_utils": re.compile(r"^`\w+ImageProcessor` requires torchvision \(not installed\); "
                                                  r"falling back to `\w+ImageProcessorPil`"),
    "diffusers.loaders.lora_base": re.compile(r"^No LoRA keys associated to CLIPTextModel found with the "
                                              r"prefix='text_encoder'"),
    "diffusers.loaders.peft": re.compile(r"^No LoRA keys associated to CLIPTextModel found with the "
                                         r"prefix='text_encoder'"),
}


class _DropKnown(logging.Filter):
    def __init__(self, pattern: re.Pattern):
        super().__init__()
        self.pattern = pattern

    def filter(self, record: logging.LogRecord) -> bool:
        return not self.pattern.search(record.getMessage())


def silence_known_warnings() -> None:
    """Attach the filters (once) to the loggers that emit the known warnings."""
    for name, pattern in KNOWN.items():
        logger = logging.getLogger(name)
        if not any(isinstance(f, _DropKnown) for f in logger.filters):
            logger.addFilter(_DropKnown(pattern))
