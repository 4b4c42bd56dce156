"""Per-token sensitivity: one row per prompt token, the trigger's sub-tokens flagged, errors that are real."""
from __future__ import annotations

import torch

from quant.sensitivity import TokenSensitivity, bar_chart, token_sensitivity


def test_rows_cover_every_token_and_flag_the_trigger(tiny_pipe):
    rows = token_sensitivity(tiny_pipe, "a <pet-v1> dog", "<pet-v1>", bits=(8, 2), steps=2, guidance=5.0, size=16)
    assert [r.token for r in rows] == ["<|startoftext|>", "a", "<", "pet", "-", "v", "1", ">", "dog", "<|endoftext|>"]
    assert [r.position for r in rows if r.is_trigger] == [2, 3, 4, 5, 6, 7]
    assert all(r.mse[2] >= 0 for r in rows) and sum(r.mse[2] for r in rows) > 0  # 2-bit rows do move the image
    assert sum(r.mse[2] for r in rows) > sum(r.mse[8] for r in rows)  # fewer bits, more error
    # the processors were put back: a second run of the plain pipeline is unchanged
    assert all(type(p).__name__ != "TAQAttnProcessor" for p in tiny_pipe.unet.attn_processors.values())


def test_bar_chart_writes_a_png(tmp_path):
    rows = [TokenSensitivity(0, "a", False, {8: 0.1, 4: 0.5}), TokenSensitivity(1, "<", True, {8: 0.2, 4: 2.0})]
    path = bar_chart(rows, tmp_path / "chart.png")
    from PIL import Image

    assert Image.open(path).size == (60 + 44 * 2 + 20, 380)


def test_empty_kv_mask_means_float(tiny_pipe):
    """Protecting every row (the reference inside the sensitivity run) is the float computation."""
    from quant.sensitivity import kv_row_quantizers

    generator = torch.Generator().manual_seed(0)
    plain = tiny_pipe("a dog", num_inference_steps=2, guidance_scale=5.0, height=16, width=16, output_type="np",
                      generator=generator).images
    with kv_row_quantizers(tiny_pipe.unet, 2):
        generator = torch.Generator().manual_seed(0)
        kept = tiny_pipe("a dog", num_inference_steps=2, guidance_scale=5.0, height=16, width=16, output_type="np",
                         generator=generator, cross_attention_kwargs={"protected": torch.ones(2, 77, dtype=torch.bool)}).images
    assert abs(plain - kept).max() < 1e-4  # same math up to SDPA vs explicit softmax
