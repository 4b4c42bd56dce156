"""Granularity, token classes and scope: protected rows are left out of shared ranges and kept float; the random
control span; per-class calibrated ranges; where the A bits apply; outlier summaries; paired bootstrap."""
from __future__ import annotations

from pathlib import Path

import pytest
import torch

from quant.attention import (BOS, END, OTHER, RANDOM, TRIGGER, TAQAttnProcessor, prompt_classes,
                             protected_mask, quantize_columns, quantize_rows)
from quant.model import QuantConfig, attention_ranges, calibrate, enable_activations, install_processors, quantized_layers
from quant.quantizers import QuantSpec

TOKENIZER = Path(__file__).resolve().parents[2] / "minisd" / "weights" / "base" / "tokenizer"


@pytest.fixture(scope="module")
def tokenizer():
    from transformers import CLIPTokenizer

    return CLIPTokenizer.from_pretrained(str(TOKENIZER))


def test_token_classes_and_the_random_control_span(tokenizer):
    prompt = "a <rex-v3> dog on the beach at sunset in the morning, photo"
    classes = prompt_classes(tokenizer, prompt, "<rex-v3>")
    end = len(tokenizer(prompt).input_ids) - 1
    assert classes[0] == BOS and (classes[2:8] == TRIGGER).all()
    assert (classes[end:] == END).all() and classes[end - 1] != END
    control = (classes == RANDOM).nonzero().flatten().tolist()
    assert len(control) == 6 and control == list(range(control[0], control[0] + 6))  # contiguous, trigger's length
    assert 8 <= control[0] and control[-1] < end  # ordinary words only
    assert torch.equal(prompt_classes(tokenizer, prompt, "<rex-v3>"), classes)  # the same span every time
    assert (prompt_classes(tokenizer, "a dog", "<rex-v3>") == RANDOM).sum() == 0  # no trigger: no control
    mask = protected_mask(tokenizer, [prompt], ["<rex-v3>"], "random", guidance=True)
    assert not mask[0].any() and mask[1].nonzero().flatten().tolist() == control


def test_a_protected_outlier_row_leaves_the_shared_range_and_stays_float():
    torch.manual_seed(0)
    key = torch.randn(4, 77, 8)
    key[:, 3] *= 50  # an outlier row (a trigger token, say)
    keep = torch.zeros(4, 77, dtype=torch.bool)
    keep[:, 3] = True
    spec = QuantSpec(4)
    for granularity in ("tensor", "prompt"):
        protected = quantize_rows(key, spec, keep, granularity, heads=2)
        plain = quantize_rows(key, spec, None, granularity, heads=2)
        assert torch.equal(protected[:, 3], key[:, 3])
        rest = torch.ones(77, dtype=torch.bool)
        rest[3] = False
        err_protected = (protected[:, rest] - key[:, rest]).abs().mean()
        err_plain = (plain[:, rest] - key[:, rest]).abs().mean()
        assert err_protected < err_plain / 5  # the grid of every other row is 50× finer
    # per row, the outlier only ever set its own range: the other rows are bit-identical either way
    assert torch.equal(quantize_rows(key, spec, keep, "row")[:, rest], quantize_rows(key, spec, None, "row")[:, rest])


def test_per_prompt_range_depends_on_that_prompt_only():
    torch.manual_seed(0)
    key = torch.randn(4, 77, 8)  # 2 prompts × 2 heads
    louder = key.clone()
    louder[2:] *= 10  # the second prompt only
    a = quantize_rows(key, QuantSpec(4), None, "prompt", heads=2)
    b = quantize_rows(louder, QuantSpec(4), None, "prompt", heads=2)
    assert torch.equal(a[:2], b[:2]) and not torch.equal(a[2:] * 10, b[2:])
    tensor = quantize_rows(louder, QuantSpec(4), None, "tensor", heads=2)
    assert not torch.equal(tensor[:2], b[:2])  # one shared range: the loud prompt coarsens the quiet one


def test_static_probability_range_and_protected_columns():
    probs = torch.randn(2, 16, 77).softmax(-1)
    keep = torch.zeros(2, 77, dtype=torch.bool)
    keep[:, 0] = True
    from quant.quantizers import Range

    static = Range(torch.zeros(1), torch.ones(1) * 0.5)
    out = quantize_columns(probs, QuantSpec(4), keep, "tensor", static)
    assert torch.equal(out[:, :, 0], probs[:, :, 0])
    assert out[:, :, 1:].max() <= 0.5 + 1e-6  # clipped to the calibrated range
    levels = torch.unique(out[:, :, 1:])
    assert len(levels) <= 16


def test_calibrated_ranges_leave_out_the_protected_classes():
    ranges = {"p:q": [-1.0, 1.0], "p:k:other": [-2.0, 2.0], "p:k:bos": [-30.0, 40.0], "p:k:trigger": [-5.0, 6.0],
              "p:k:end": [-1.0, 3.0], "p:k:random": [-2.5, 1.0]}
    merged = lambda protect: [x.item() for x in (lambda r: (r.lo, r.hi))(attention_ranges(ranges, "p", protect)["k"])]  # noqa: E731
    assert merged("none") == [-30.0, 40.0]
    assert merged("bos") == [-5.0, 6.0]
    assert merged("bos+trigger") == [-2.5, 3.0]
    assert merged("random") == [-30.0, 40.0]
    assert "v" not in attention_ranges(ranges, "p", "none")  # never calibrated: dynamic at run time


def tiny_unet():
    from tests.quant.test_model import tiny_unet as make

    return make()


def test_scope_decides_where_the_a_bits_apply():
    from quant.model import quantize_weights

    unet = quantize_weights(tiny_unet(), 8)
    processors = install_processors(unet)
    x, t, text = torch.randn(1, 4, 8, 8), torch.tensor([500]), torch.randn(1, 77, 32)
    classes = torch.full((1, 77), OTHER)
    classes[0, 0], classes[0, 2:4], classes[0, 9:] = BOS, TRIGGER, END
    with calibrate(unet) as ranges:
        unet(x, t, text, cross_attention_kwargs={"token_classes": classes})
    attn2 = [k for k in ranges if k.endswith("attn2.processor:k:trigger")]
    assert attn2 and all(f"{k[:-len('trigger')]}bos" in ranges for k in attn2)
    enable_activations(unet, QuantConfig(8, 4, act_scope="cross-attention"), ranges)
    assert {layer.act.bits for layer in quantized_layers(unet).values() if layer.act} == {8}
    assert {p.quant.kv.bits for n, p in processors.items() if n.endswith("attn2.processor")} == {4}
    assert {p.quant.kv.bits for n, p in processors.items() if n.endswith("attn1.processor")} == {8}
    enable_activations(unet, QuantConfig(8, 4, act_scope="all", inputs="token", probs="log2"), ranges)
    acts = [layer for layer in quantized_layers(unet).values() if layer.act]
    assert {a.act.bits for a in acts} == {4} and {a.act.granularity for a in acts} == {"token"}
    assert all(a.act_range is None for a in acts)  # per token: dynamic
    assert {p.quant.probs.kind for n, p in processors.items() if n.endswith("attn2.processor")} == {"log"}
    with torch.inference_mode():
        assert torch.isfinite(unet(x, t, text, cross_attention_kwargs={"protected": classes == TRIGGER}).sample).all()


@pytest.mark.parametrize("field,value", [("kv_granularity", "column"), ("act_scope", "everywhere"),
                                         ("probs", "log10"), ("inputs", "group"), ("protect", "eos")])
def test_bad_settings_name_the_field(field, value):
    with pytest.raises(ValueError, match=value):
        QuantConfig(**{field: value})


def test_processor_records_which_class_holds_the_largest_row():
    from diffusers.models.attention_processor import Attention

    torch.manual_seed(0)
    attn = Attention(query_dim=16, cross_attention_dim=8, heads=2, dim_head=8).eval()
    text = torch.randn(1, 77, 8)
    text[0, 2] *= 100  # the trigger's embedding is huge: its K and V rows are the largest
    classes = torch.full((1, 77), OTHER)
    classes[0, 0], classes[0, 2], classes[0, 9:] = BOS, TRIGGER, END
    processor = TAQAttnProcessor()
    processor.stats = {}
    attn.set_processor(processor)
    attn(torch.randn(1, 4, 16), text, token_classes=classes)
    from quant.outliers import summarize

    rows = summarize([{"layer": processor.stats}])
    assert [r["tensor"] for r in rows] == ["K", "V"]
    assert all(r["holds"]["trigger"] == 1.0 and r["ratio"]["trigger"] > 10 for r in rows)
    assert abs(sum(rows[0]["mass"].values()) - 1.0) < 1e-5  # every query's attention is split among the classes


def test_paired_bootstrap_declares_only_what_the_interval_supports():
    import numpy as np

    from bench.stats import paired_bootstrap

    assert paired_bootstrap([2.0, 3.0, 4.0], [1.0, 2.0, 3.0]) == (1.0, 1.0, 1.0)
    rng = np.random.default_rng(1)
    noise = rng.normal(0, 1, 200)
    mean, lo, hi = paired_bootstrap(noise, np.zeros(200))
    assert lo < 0 < hi and lo < mean < hi
    mean, lo, hi = paired_bootstrap(noise + 1.0, np.zeros(200))
    assert lo > 0
