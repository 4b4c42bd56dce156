"""TAQ's processor: protected rows and columns stay bit-identical to float, the others are quantized;
trigger spans are found in SD1.5's tokenization."""
from __future__ import annotations

from pathlib import Path

import pytest
import torch

from quant.attention import (AttentionQuant, TAQAttnProcessor, protected_mask, quantize_columns, quantize_rows,
                             trigger_spans)
from quant.quantizers import QuantSpec

TOKENIZER = Path(__file__).resolve().parents[2] / "minisd" / "weights" / "base" / "tokenizer"


@pytest.fixture(scope="module")
def tokenizer():
    from transformers import CLIPTokenizer

    return CLIPTokenizer.from_pretrained(str(TOKENIZER))


def test_multi_sub_token_trigger_span(tokenizer):
    # BOS a < rex - v 3 > dog …: the trigger is six sub-tokens at positions 2..7
    assert trigger_spans(tokenizer, "a <rex-v3> dog on the beach", "<rex-v3>") == [(2, 8)]
    assert trigger_spans(tokenizer, "<bear-v4> and <bear-v4>", "<bear-v4>") == [(1, 7), (8, 14)]


def test_absent_trigger_has_no_span(tokenizer):
    assert trigger_spans(tokenizer, "a dog on the beach", "<rex-v3>") == []
    assert trigger_spans(tokenizer, "a <rex-v2> dog", "<rex-v3>") == []


def test_trigger_cut_by_truncation_is_protected_as_far_as_it_fits(tokenizer):
    prompt = " ".join(["dog"] * 73) + " <rex-v3>"  # BOS + 73 words: the trigger starts at position 74
    assert trigger_spans(tokenizer, prompt, "<rex-v3>") == [(74, 76)]  # 76 holds the end token


def test_mask_follows_the_guidance_batch_order(tokenizer):
    mask = protected_mask(tokenizer, ["a <rex-v3> dog"], ["<rex-v3>"], "bos+trigger", guidance=True)
    assert mask.shape == (2, 77)
    assert mask[0].nonzero().flatten().tolist() == [0]  # unconditional: only the start token
    assert mask[1].nonzero().flatten().tolist() == [0, 2, 3, 4, 5, 6, 7]
    assert protected_mask(tokenizer, ["a dog"], [None], "none", guidance=True) is None
    only = protected_mask(tokenizer, ["a <rex-v3> dog"], ["<rex-v3>"], "trigger", guidance=False)
    assert only.shape == (1, 77) and only[0].nonzero().flatten().tolist() == [2, 3, 4, 5, 6, 7]


def test_protected_rows_are_bit_identical_and_the_others_are_not():
    torch.manual_seed(0)
    key = torch.randn(4, 77, 16) * 3
    keep = torch.zeros(4, 77, dtype=torch.bool)
    keep[:, 2:8] = True
    out = quantize_rows(key, QuantSpec(4, granularity="row"), keep)
    assert torch.equal(out[:, 2:8], key[:, 2:8])
    assert not torch.equal(out[:, 8:], key[:, 8:])
    assert not torch.equal(out[:, :2], key[:, :2])


def test_protected_columns_are_bit_identical_and_the_others_are_not():
    torch.manual_seed(0)
    probs = torch.randn(4, 64, 77).softmax(-1)
    keep = torch.zeros(4, 77, dtype=torch.bool)
    keep[:, [0, 3]] = True
    out = quantize_columns(probs, QuantSpec(4, granularity="row"), keep)
    assert torch.equal(out[:, :, [0, 3]], probs[:, :, [0, 3]])
    assert not torch.equal(out[:, :, 4:], probs[:, :, 4:])


def _cross_attention():
    from diffusers.models.attention_processor import Attention

    torch.manual_seed(0)
    return Attention(query_dim=32, cross_attention_dim=24, heads=2, dim_head=16).eval()


def test_float_processor_matches_diffusers_attention():
    from diffusers.models.attention_processor import AttnProcessor

    attn = _cross_attention()
    hidden, text = torch.randn(2, 10, 32), torch.randn(2, 77, 24)
    expected = attn(hidden, text)
    attn.set_processor(TAQAttnProcessor())
    assert torch.allclose(attn(hidden, text), expected, atol=1e-5)
    attn.set_processor(AttnProcessor())


def test_protecting_every_token_leaves_only_q_quantized():
    attn = _cross_attention()
    hidden, text = torch.randn(2, 10, 32), torch.randn(2, 77, 24)
    attn.set_processor(TAQAttnProcessor(AttentionQuant(kv=QuantSpec(4, granularity="row"),
                                                       probs=QuantSpec(4, granularity="row"))))
    everything = torch.ones(2, 77, dtype=torch.bool)
    float_out = attn(hidden, text, protected=everything)
    attn.set_processor(TAQAttnProcessor(fused=False))  # the same float math, probabilities materialized
    assert torch.equal(float_out, attn(hidden, text))
    attn.set_processor(TAQAttnProcessor(AttentionQuant(kv=QuantSpec(4, granularity="row"),
                                                       probs=QuantSpec(4, granularity="row"))))
    assert not torch.equal(attn(hidden, text, protected=None), float_out)


@pytest.mark.parametrize("quant", [AttentionQuant(), AttentionQuant(q=QuantSpec(8), kv=QuantSpec(8, granularity="row"))])
def test_fused_attention_computes_the_sliced_math_when_probabilities_stay_float(quant):
    from diffusers.models.attention_processor import Attention

    torch.manual_seed(0)
    attn = Attention(query_dim=32, heads=2, dim_head=16).eval()  # self-attention
    hidden = torch.randn(2, 50, 32)
    attn.set_processor(TAQAttnProcessor(quant, fused=False))
    sliced = attn(hidden)
    attn.set_processor(TAQAttnProcessor(quant))
    fused = attn(hidden)
    assert fused.shape == sliced.shape == (2, 50, 32)
    assert torch.allclose(fused, sliced, atol=1e-5)
    attn.set_processor(TAQAttnProcessor(quant, chunk_elements=1))  # sliced math, but fused wins: same
    assert torch.equal(attn(hidden), fused)
