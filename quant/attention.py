"""The TAQ attention processor and the protected token positions it keeps in full precision.

In cross-attention (`attn2`), with Q ∈ (B·H, N, d), K, V ∈ (B·H, T, d), A = softmax(QKᵀ/√d) ∈ (B·H, N, T):

    Q̃ = Q_a(Q)                                   per tensor, calibrated range
    K̃ = M ⊙ K + (1 − M) ⊙ Q_a(K)   (same for V)   per row (token), the row's own range
    Â = M ⊙ A + (1 − M) ⊙ Q_a(A)                  per query row, the range of its unprotected entries

where M is 1 at protected token positions (paper eqs. 4–5). The mask arrives per call as
`cross_attention_kwargs={"protected": BoolTensor[batch, 77]}` (with classifier-free guidance the
batch is [unconditional…, conditional…]). Self-attention (`attn1`) has no text tokens: it gets the
same quantizers without a mask.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

import torch

from quant.quantizers import QuantSpec, Range, fake_quantize, observe

Protect = Literal["none", "bos", "trigger", "bos+trigger"]
PROTECT_CHOICES: tuple[str, ...] = ("none", "bos", "trigger", "bos+trigger")


def trigger_spans(tokenizer, prompt: str, trigger: str) -> list[tuple[int, int]]:
    """[start, end) positions of every occurrence of `trigger`'s sub-tokens in the encoded `prompt`.

    Positions index the tokenizer's padded 77-token sequence (0 is the start token). A trigger cut
    off by truncation is matched as far as it fits."""
    ids = tokenizer(prompt, truncation=False).input_ids  # [BOS, ..., EOS], not yet cut to 77
    span = tokenizer(trigger, add_special_tokens=False).input_ids
    last = tokenizer.model_max_length - 1  # after truncation, position 76 holds the end token
    n, found = len(span), []
    for start in range(1, len(ids) - n + 1):
        if span and ids[start:start + n] == span and start < last:
            found.append((start, min(start + n, last)))
    return found


def protected_mask(tokenizer, prompts: list[str], triggers: list[str | None], protect: str,
                   guidance: bool) -> torch.Tensor | None:
    """BoolTensor [batch, 77] of positions to keep in full precision, in the pipeline's batch order."""
    if protect not in PROTECT_CHOICES:
        raise ValueError(f"protect={protect!r} is unknown; use one of {', '.join(PROTECT_CHOICES)}")
    if protect == "none":
        return None
    length = tokenizer.model_max_length
    cond = torch.zeros(len(prompts), length, dtype=torch.bool)
    if "bos" in protect:
        cond[:, 0] = True
    if "trigger" in protect:
        for row, (prompt, trigger) in enumerate(zip(prompts, triggers)):
            for start, end in trigger_spans(tokenizer, prompt, trigger) if trigger else []:
                cond[row, start:end] = True
    if not guidance:
        return cond
    uncond = torch.zeros_like(cond)  # the empty prompt has no trigger
    uncond[:, 0] = "bos" in protect
    return torch.cat([uncond, cond])


@dataclass(frozen=True)
class AttentionQuant:
    """Which of Q, K/V and A are quantized, and how (None: left in float)."""
    q: QuantSpec | None = None
    kv: QuantSpec | None = None
    probs: QuantSpec | None = None

    @classmethod
    def all(cls, bits: int, kind: str = "uniform") -> AttentionQuant:
        spec = QuantSpec(bits, kind)
        return cls(q=spec, kv=replace(spec, granularity="row"), probs=replace(spec, granularity="row"))


def quantize_rows(x: torch.Tensor, spec: QuantSpec, keep: torch.Tensor | None) -> torch.Tensor:
    """K or V (B·H, T, d) quantized per row, except rows where `keep` (B·H, T) is True."""
    quantized = fake_quantize(x, spec)
    return quantized if keep is None else torch.where(keep[:, :, None], x, quantized)


def quantize_columns(probs: torch.Tensor, spec: QuantSpec, keep: torch.Tensor | None) -> torch.Tensor:
    """A (B·H, N, T) quantized, except columns where `keep` (B·H, T) is True.

    The range is dynamic and comes from the unprotected entries only, so a trigger that draws most
    of a row's attention does not coarsen the grid of the other tokens."""
    r = observe(probs if keep is None else probs.masked_fill(keep[:, None, :], 0.0), spec)
    quantized = fake_quantize(probs, spec, r)
    return quantized if keep is None else torch.where(keep[:, None, :], probs, quantized)


class TAQAttnProcessor:
    """diffusers attention processor (the classic `AttnProcessor` math) with TAQ's quantizers."""

    def __init__(self, quant: AttentionQuant = AttentionQuant(), chunk_elements: int = 1 << 24):
        self.quant = quant
        self.q_range: Range | None = None  # calibrated per-tensor range of Q
        self.observed: dict[str, Range] | None = None  # a dict while calibrating
        self.chunk_elements = chunk_elements  # attention-matrix entries per slice (64 MB in fp32) bound the memory

    def _observe(self, name: str, x: torch.Tensor) -> None:
        r = Range(x.detach().float().amin().reshape(1), x.detach().float().amax().reshape(1))
        self.observed[name] = self.observed[name].merge(r) if name in self.observed else r

    def __call__(self, attn, hidden_states: torch.Tensor, encoder_hidden_states: torch.Tensor | None = None,
                 attention_mask: torch.Tensor | None = None, temb: torch.Tensor | None = None,
                 protected: torch.Tensor | None = None, **kwargs) -> torch.Tensor:
        residual = hidden_states
        if attn.spatial_norm is not None:
            hidden_states = attn.spatial_norm(hidden_states, temb)
        input_ndim = hidden_states.ndim
        if input_ndim == 4:
            batch, channel, height, width = hidden_states.shape
            hidden_states = hidden_states.view(batch, channel, height * width).transpose(1, 2)
        cross = encoder_hidden_states is not None
        batch, tokens, _ = hidden_states.shape if not cross else encoder_hidden_states.shape
        attention_mask = attn.prepare_attention_mask(attention_mask, tokens, batch)
        if attn.group_norm is not None:
            hidden_states = attn.group_norm(hidden_states.transpose(1, 2)).transpose(1, 2)

        query = attn.to_q(hidden_states)
        if not cross:
            encoder_hidden_states = hidden_states
        elif attn.norm_cross:
            encoder_hidden_states = attn.norm_encoder_hidden_states(encoder_hidden_states)
        key = attn.head_to_batch_dim(attn.to_k(encoder_hidden_states))  # (B·H, T, d)
        value = attn.head_to_batch_dim(attn.to_v(encoder_hidden_states))  # (B·H, T, d)
        query = attn.head_to_batch_dim(query)  # (B·H, N, d)

        keep = None  # (B·H, T): protected token positions
        if cross and protected is not None:
            if protected.shape[0] != batch:
                protected = protected[-batch:]  # no guidance this call: the conditional rows only
            keep = protected.to(query.device).repeat_interleave(attn.heads, dim=0)
        quant = self.quant
        if self.observed is not None:
            self._observe("q", query)
        if quant.q is not None:
            query = fake_quantize(query, quant.q, self.q_range)
        if quant.kv is not None:
            key = quantize_rows(key, quant.kv, keep)
            value = quantize_rows(value, quant.kv, keep)

        out = []
        chunk = max(1, self.chunk_elements // (query.shape[1] * key.shape[1]))
        for i in range(0, query.shape[0], chunk):  # sliced attention: one (chunk, N, T) matrix at a time
            part = slice(i, i + chunk)
            mask = None if attention_mask is None else attention_mask[part]
            probs = attn.get_attention_scores(query[part], key[part], mask)  # (chunk, N, T)
            part_keep = None if keep is None else keep[part]
            if quant.probs is not None:
                probs = quantize_columns(probs, quant.probs, part_keep)
            out.append(torch.bmm(probs, value[part]))
        hidden_states = attn.batch_to_head_dim(torch.cat(out))
        hidden_states = attn.to_out[1](attn.to_out[0](hidden_states))
        if input_ndim == 4:
            hidden_states = hidden_states.transpose(-1, -2).reshape(batch, channel, height, width)
        if attn.residual_connection:
            hidden_states = hidden_states + residual
        return hidden_states / attn.rescale_output_factor
