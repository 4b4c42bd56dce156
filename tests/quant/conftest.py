"""A tiny SD1.5-layout pipeline for the quantization tests (the same recipe as tests/serve)."""
from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def tiny_pipe(tmp_path_factory):
    from diffusers import StableDiffusionPipeline

    from tests.serve.conftest import tiny_sd15

    folder = tiny_sd15(tmp_path_factory.mktemp("sd15q") / "tiny-sd15")
    pipe = StableDiffusionPipeline.from_pretrained(str(folder), safety_checker=None, requires_safety_checker=False)
    pipe.set_progress_bar_config(disable=True)
    return pipe
