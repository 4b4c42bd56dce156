"""The TAQ attention processor and the token classes it protects, observes and keeps in full precision.

In cross-attention (`attn2`), with Q ∈ (B·H, N, d), K, V ∈ (B·H, T, d), A = softmax(QKᵀ/√d) ∈ (B·H, N, T):

    Q̃ = Q_a(Q)                                   per tensor (calibrated) or per token (dynamic)
    K̃ = M ⊙ K + (1 − M) ⊙ Q_a(K)   (same for V)   range per tensor (calibrated), per prompt, or per row
    Â = M ⊙ A + (1 − M) ⊙ Q_a(A)                  range per tensor (calibrated) or per query row; uniform or log2

where M is 1 at protected token positions (paper eqs. 4–5). Protected rows and columns are kept in
float *and* left out of every shared range: a calibrated range is merged from the token classes
that are not protected, a dynamic one is taken over the unprotected entries only. The mask arrives
per call as `cross_attention_kwargs={"protected": BoolTensor[batch, 77]}` (with classifier-free
guidance the batch is [unconditional…, conditional…]); calibration and the outlier statistics also
get `token_classes` (LongTensor[batch, 77], see `token_classes`). Self-attention (`attn1`) has no
text tokens: it gets the same quantizers, per row, without a mask.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, replace
from typing import Literal

import torch
import torch.nn.functional as F

from quant.quantizers import QuantSpec, Range, fake_quantize, observe

Protect = Literal["none", "bos", "trigger", "bos+trigger", "random"]
PROTECT_CHOICES: tuple[str, ...] = ("none", "bos", "trigger", "bos+trigger", "random")
KV_GRANULARITIES: tuple[str, ...] = ("tensor", "prompt", "row")
PROBS_GRANULARITIES: tuple[str, ...] = ("tensor", "row")

# Token classes of a padded 77-token prompt. RANDOM is the control protection: a span of ordinary
# prompt words as long as the trigger, drawn per prompt; END is the end token and the padding after it.
OTHER, BOS, TRIGGER, RANDOM, END = range(5)
CLASS_NAMES: tuple[str, ...] = ("other", "bos", "trigger", "random", "end")
PROTECTED_CLASSES: dict[str, frozenset[int]] = {
    "none": frozenset(), "bos": frozenset({BOS}), "trigger": frozenset({TRIGGER}),
    "bos+trigger": frozenset({BOS, TRIGGER}), "random": frozenset({RANDOM})}


def check_protect(protect: str) -> None:
    if protect not in PROTECT_CHOICES:
        raise ValueError(f"protect={protect!r} is unknown; use one of {', '.join(PROTECT_CHOICES)}")


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


def control_span(prompt: str, end: int, length: int, taken: set[int]) -> tuple[int, int] | None:
    """A span of `length` ordinary word positions in [1, end) that avoids `taken`, drawn from the prompt's text."""
    starts = [s for s in range(1, end - length + 1) if not taken.intersection(range(s, s + length))]
    if not starts or length == 0:
        return None
    start = random.Random(f"control|{prompt}").choice(starts)
    return start, start + length


def prompt_classes(tokenizer, prompt: str, trigger: str | None) -> torch.Tensor:
    """LongTensor[77]: the class (OTHER, BOS, TRIGGER, RANDOM, END) of every position of `prompt`."""
    length = tokenizer.model_max_length
    end = min(len(tokenizer(prompt, truncation=True).input_ids) - 1, length - 1)  # the end token's position
    classes = torch.full((length,), OTHER, dtype=torch.long)
    classes[0], classes[end:] = BOS, END
    spans = trigger_spans(tokenizer, prompt, trigger) if trigger else []
    taken = {i for s, e in spans for i in range(s, e)}
    for i in taken:
        classes[i] = TRIGGER
    control = control_span(prompt, end, spans[0][1] - spans[0][0], taken) if spans else None
    if control:
        classes[control[0]:control[1]] = RANDOM
    return classes


def token_classes(tokenizer, prompts: list[str], triggers: list[str | None], guidance: bool) -> torch.Tensor:
    """LongTensor [batch, 77] of token classes in the pipeline's batch order ([uncond; cond] with guidance)."""
    cond = torch.stack([prompt_classes(tokenizer, p, t) for p, t in zip(prompts, triggers)])
    if not guidance:
        return cond
    return torch.cat([prompt_classes(tokenizer, "", None).expand_as(cond), cond])


def protected_mask(tokenizer, prompts: list[str], triggers: list[str | None], protect: str,
                   guidance: bool) -> torch.Tensor | None:
    """BoolTensor [batch, 77] of positions to keep in full precision, in the pipeline's batch order."""
    check_protect(protect)
    if protect == "none":
        return None
    classes = token_classes(tokenizer, prompts, triggers, guidance)
    return mask_of(classes, protect)


def mask_of(classes: torch.Tensor, protect: str) -> torch.Tensor:
    mask = torch.zeros_like(classes, dtype=torch.bool)
    for c in PROTECTED_CLASSES[protect]:
        mask |= classes == c
    return mask


@dataclass(frozen=True)
class AttentionQuant:
    """Which of Q, K/V and A are quantized, and how (None: left in float).

    q: granularity "tensor" (calibrated range) or "row" (each query token's own range, dynamic).
    kv_granularity: "tensor" (calibrated), "prompt" (each prompt's unprotected rows), "row" (each row).
    probs_granularity: "tensor" (calibrated) or "row" (each query row's unprotected entries);
    `probs.kind` "log" is the base-2 logarithmic quantizer."""
    q: QuantSpec | None = None
    kv: QuantSpec | None = None
    probs: QuantSpec | None = None
    kv_granularity: str = "row"
    probs_granularity: str = "row"

    def __post_init__(self) -> None:
        if self.kv_granularity not in KV_GRANULARITIES:
            raise ValueError(f"K/V granularity {self.kv_granularity!r} is unknown; use {', '.join(KV_GRANULARITIES)}")
        if self.probs_granularity not in PROBS_GRANULARITIES:
            raise ValueError(f"probability granularity {self.probs_granularity!r} is unknown; "
                             f"use {', '.join(PROBS_GRANULARITIES)}")

    @classmethod
    def all(cls, bits: int, kind: str = "uniform", kv_granularity: str = "row", probs_granularity: str = "row",
            probs_kind: str | None = None, q_granularity: str = "tensor") -> AttentionQuant:
        spec = QuantSpec(bits, kind)
        return cls(q=replace(spec, granularity=q_granularity), kv=replace(spec, granularity="row"),
                   probs=QuantSpec(bits, probs_kind or kind, "row"), kv_granularity=kv_granularity,
                   probs_granularity=probs_granularity)


def _masked_range(x: torch.Tensor, keep: torch.Tensor | None, dims: tuple[int, ...]) -> Range:
    """min/max of x over `dims` (keepdim), ignoring entries where `keep` (broadcast to x) is True."""
    x = x.detach().float()
    if keep is None:
        return Range(x.amin(dim=dims, keepdim=True), x.amax(dim=dims, keepdim=True))
    lo = x.masked_fill(keep, float("inf")).amin(dim=dims, keepdim=True)
    hi = x.masked_fill(keep, float("-inf")).amax(dim=dims, keepdim=True)
    empty = torch.isinf(lo)  # everything protected: any range will do, nothing is quantized
    return Range(lo.masked_fill(empty, 0.0), hi.masked_fill(empty, 0.0))


def quantize_rows(x: torch.Tensor, spec: QuantSpec, keep: torch.Tensor | None, granularity: str = "row",
                  static: Range | None = None, heads: int = 1) -> torch.Tensor:
    """K or V (B·H, T, d) quantized except rows where `keep` (B·H, T) is True, which stay float.

    granularity "row": each row's own range; "prompt": one range per prompt (its H heads together)
    over its unprotected rows; "tensor": `static` (calibrated) or, without it, the unprotected rows of
    the whole batch."""
    row_keep = None if keep is None else keep[:, :, None].expand_as(x)
    if granularity == "row":
        r = observe(x, replace(spec, granularity="row"))
    elif granularity == "tensor" and static is not None:
        r = static
    elif granularity == "tensor":
        r = _masked_range(x, row_keep, (0, 1, 2))
    else:
        bh, t, d = x.shape
        grouped = x.reshape(bh // heads, heads * t, d)
        r = _masked_range(grouped, None if row_keep is None else row_keep.reshape(grouped.shape), (1, 2))
        r = Range(r.lo.repeat_interleave(heads, dim=0), r.hi.repeat_interleave(heads, dim=0))
    quantized = fake_quantize(x, spec, r)
    return quantized if keep is None else torch.where(keep[:, :, None], x, quantized)


def quantize_columns(probs: torch.Tensor, spec: QuantSpec, keep: torch.Tensor | None, granularity: str = "row",
                     static: Range | None = None) -> torch.Tensor:
    """A (B·H, N, T) quantized, except columns where `keep` (B·H, T) is True.

    Per query row the range comes from the unprotected entries only, so a trigger that draws most
    of a row's attention does not coarsen the grid of the other tokens; per tensor it is `static`
    (calibrated over the unprotected classes) or the unprotected entries of the whole batch."""
    masked = probs if keep is None else probs.masked_fill(keep[:, None, :], 0.0)
    if granularity == "tensor":
        r = static if static is not None else observe(masked, replace(spec, granularity="tensor"))
    else:
        r = observe(masked, replace(spec, granularity="row"))
    quantized = fake_quantize(probs, spec, r)
    return quantized if keep is None else torch.where(keep[:, None, :], probs, quantized)


class TAQAttnProcessor:
    """diffusers attention processor (the classic `AttnProcessor` math) with TAQ's quantizers.

    `observed` (a dict while calibrating) collects float ranges: "q", and in cross-attention
    "k:<class>", "v:<class>", "probs:<class>" per token class; Q and probabilities also per timestep
    ("q@t<t>", "probs:<class>@t<t>"; K and V depend only on the prompt). `stats` (a dict while measuring
    outliers, `quant/outliers.py`) collects per-class max |K|, max |V| and attention mass."""

    def __init__(self, quant: AttentionQuant = AttentionQuant(), chunk_elements: int = 1 << 24, fused: bool = True):
        self.quant = quant
        self.fused = fused  # float probabilities: one fused attention kernel (False: the sliced classic math)
        self.ranges: dict[str, Range] = {}  # calibrated static ranges: "q", "k", "v", "probs"
        self.observed: dict[str, Range] | None = None
        self.timestep: int | None = None  # while calibrating: the UNet call's timestep (set by `quant.model.calibrate`)
        self.stats: dict | None = None
        self.chunk_elements = chunk_elements  # attention-matrix entries per slice (64 MB in fp32) bound the memory

    @property
    def q_range(self) -> Range | None:
        return self.ranges.get("q")

    def _observe(self, name: str, r: Range, per_timestep: bool = False) -> None:
        """Merge `r` into the observed range `name` and, for what changes with the timestep (Q, probabilities),
        into `name@t<timestep>` too."""
        names = [name, f"{name}@t{self.timestep}"] if per_timestep and self.timestep is not None else [name]
        for n in names:
            self.observed[n] = self.observed[n].merge(r) if n in self.observed else r

    def _observe_classes(self, name: str, x: torch.Tensor, classes: torch.Tensor) -> None:
        """Ranges of x (B·H, T, …) per token class, classes (B·H, T)."""
        flat = x.detach().float().reshape(x.shape[0], x.shape[1], -1)
        lo, hi = flat.amin(dim=2), flat.amax(dim=2)  # (B·H, T)
        for c in classes.unique().tolist():
            sel = classes == c
            self._observe(f"{name}:{CLASS_NAMES[c]}", Range(lo[sel].min().reshape(1), hi[sel].max().reshape(1)))

    def _record_stats(self, key: torch.Tensor, value: torch.Tensor, classes: torch.Tensor, heads: int) -> None:
        """Per prompt with words (the empty unconditional prompt is skipped): which class holds the largest
        |K| and |V| row and each class's max; the attention mass per class is added in the loop."""
        prompt_rows = (classes == OTHER).any(dim=1)  # (B·H,)
        for name, x in (("k", key), ("v", value)):
            top = x.detach().float().abs().amax(dim=2)  # (B·H, T): max |x| per row
            top = top.reshape(-1, heads, top.shape[1]).amax(dim=1)  # per prompt: over heads
            cls = classes[::heads]
            keep = prompt_rows[::heads]
            for row in range(top.shape[0]):
                if not keep[row]:
                    continue
                per_class = {CLASS_NAMES[c]: float(top[row][cls[row] == c].max()) for c in cls[row].unique().tolist()}
                self.stats.setdefault(name, []).append(per_class)

    def __call__(self, attn, hidden_states: torch.Tensor, encoder_hidden_states: torch.Tensor | None = None,
                 attention_mask: torch.Tensor | None = None, temb: torch.Tensor | None = None,
                 protected: torch.Tensor | None = None, token_classes: torch.Tensor | None = None,
                 **kwargs) -> torch.Tensor:
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

        def per_head(mask: torch.Tensor | None) -> torch.Tensor | None:
            if not cross or mask is None:
                return None
            if mask.shape[0] != batch:
                mask = mask[-batch:]  # no guidance this call: the conditional rows only
            return mask.to(query.device).repeat_interleave(attn.heads, dim=0)

        keep = per_head(protected)  # (B·H, T): protected token positions
        classes = per_head(token_classes)  # (B·H, T): token classes, when given
        quant = self.quant
        if self.observed is not None:
            self._observe("q", Range(query.detach().float().amin().reshape(1), query.detach().float().amax().reshape(1)),
                          per_timestep=True)
            if classes is not None:
                self._observe_classes("k", key, classes)
                self._observe_classes("v", value, classes)
        if self.stats is not None and classes is not None:
            self._record_stats(key, value, classes, attn.heads)
        if quant.q is not None:
            query = fake_quantize(query, quant.q, self.ranges.get("q") if quant.q.granularity == "tensor" else None)
        if quant.kv is not None:
            granularity = quant.kv_granularity if cross else "row"
            key = quantize_rows(key, quant.kv, keep, granularity, self.ranges.get("k"), attn.heads)
            value = quantize_rows(value, quant.kv, keep, granularity, self.ranges.get("v"), attn.heads)

        if self.fused and quant.probs is None and self.observed is None and self.stats is None:
            hidden_states = self._fused(attn, query, key, value, attention_mask)
        else:
            hidden_states = self._sliced(attn, query, key, value, attention_mask, keep, classes, cross)
        hidden_states = attn.to_out[1](attn.to_out[0](hidden_states))
        if input_ndim == 4:
            hidden_states = hidden_states.transpose(-1, -2).reshape(batch, channel, height, width)
        if attn.residual_connection:
            hidden_states = hidden_states + residual
        return hidden_states / attn.rescale_output_factor

    @staticmethod
    def _fused(attn, query: torch.Tensor, key: torch.Tensor, value: torch.Tensor,
               attention_mask: torch.Tensor | None) -> torch.Tensor:
        """softmax(QKᵀ·scale)·V in one PyTorch kernel (`scaled_dot_product_attention`: flash attention on
        CPU, the probabilities never materialized), for attention whose probabilities are not quantized."""
        heads = attn.heads
        q, k, v = (t.reshape(-1, heads, *t.shape[1:]) for t in (query, key, value))  # (B, H, ·, d)
        mask = None if attention_mask is None else attention_mask.reshape(-1, heads, *attention_mask.shape[1:])
        out = F.scaled_dot_product_attention(q, k, v, attn_mask=mask, scale=attn.scale)
        return attn.batch_to_head_dim(out.reshape(-1, *out.shape[2:]))

    def _sliced(self, attn, query, key, value, attention_mask, keep, classes, cross: bool) -> torch.Tensor:
        """The classic attention math, one (chunk, N, T) probability matrix at a time, with A quantized."""
        quant = self.quant
        out = []
        chunk = max(1, self.chunk_elements // (query.shape[1] * key.shape[1]))
        for i in range(0, query.shape[0], chunk):  # sliced attention: one (chunk, N, T) matrix at a time
            part = slice(i, i + chunk)
            mask = None if attention_mask is None else attention_mask[part]
            probs = attn.get_attention_scores(query[part], key[part], mask)  # (chunk, N, T)
            if classes is not None and (self.observed is not None or self.stats is not None):
                self._probs_by_class(probs, classes[part])
            part_keep = None if keep is None else keep[part]
            if quant.probs is not None:
                granularity = quant.probs_granularity if cross else "row"
                probs = quantize_columns(probs, quant.probs, part_keep, granularity, self.ranges.get("probs"))
            out.append(torch.bmm(probs, value[part]))
        return attn.batch_to_head_dim(torch.cat(out))

    def _probs_by_class(self, probs: torch.Tensor, classes: torch.Tensor) -> None:
        """Calibration: the largest probability per column class. Stats: the attention mass per class,
        summed over the rows of prompts with words (divide by stats["mass_rows"] for the mean share)."""
        column_max = probs.detach().float().amax(dim=1)  # (chunk, T)
        if self.observed is not None:
            for c in classes.unique().tolist():
                self._observe(f"probs:{CLASS_NAMES[c]}", Range(torch.zeros(1), column_max[classes == c].max().reshape(1)),
                              per_timestep=True)
        if self.stats is None:
            return
        prompt_rows = (classes == OTHER).any(dim=1)
        if not prompt_rows.any():
            return
        mass = probs.detach().float()[prompt_rows].mean(dim=1)  # (rows, T): each column's mean share over queries
        for c, name in enumerate(CLASS_NAMES):
            share = (mass * (classes[prompt_rows] == c)).sum()
            self.stats.setdefault("mass", {})[name] = self.stats.get("mass", {}).get(name, 0.0) + float(share)
        self.stats["mass_rows"] = self.stats.get("mass_rows", 0) + int(prompt_rows.sum())
