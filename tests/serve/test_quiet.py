"""The known harmless library warnings are dropped; other messages of the same loggers still show."""
from __future__ import annotations

import logging

from serve.quiet import _DropKnown, silence_known_warnings

LORA = ("No LoRA keys associated to CLIPTextModel found with the prefix='text_encoder'. This is safe to ignore if "
        "LoRA state dict didn't originally have any CLIPTextModel related params.")
TORCHVISION = ("`CLIPImageProcessor` requires torchvision (not installed); falling back to `CLIPImageProcessorPil` "
               "for backward compatibility.")


class Collect(logging.Handler):
    def __init__(self):
        super().__init__()
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def test_only_the_known_messages_are_dropped():
    silence_known_warnings()
    silence_known_warnings()  # idempotent: one filter per logger
    seen = {}
    for name, message, other in (
            ("diffusers.loaders.lora_base", LORA, "No LoRA keys associated to UNet2DConditionModel found"),
            ("diffusers.loaders.peft", LORA, "Loading adapter weights failed"),
            ("transformers.utils.import_utils", TORCHVISION, "`Foo` requires torchvision; install it")):
        logger = logging.getLogger(name)
        assert sum(isinstance(f, _DropKnown) for f in logger.filters) == 1
        collect = Collect()
        logger.addHandler(collect)
        try:
            logger.warning(message)
            logger.warning(other)
        finally:
            logger.removeHandler(collect)
        seen[name] = collect.messages
    assert seen == {"diffusers.loaders.lora_base": ["No LoRA keys associated to UNet2DConditionModel found"],
                    "diffusers.loaders.peft": ["Loading adapter weights failed"],
                    "transformers.utils.import_utils": ["`Foo` requires torchvision; install it"]}
    other_logger = logging.getLogger("personalq.test")
    collect = Collect()
    other_logger.addHandler(collect)
    other_logger.warning(LORA)  # the same words from another logger are not hidden
    other_logger.removeHandler(collect)
    assert collect.messages == [LORA]
