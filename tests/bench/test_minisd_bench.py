"""The fidelity ceiling of `bench minisd`: renders read as they are, and through an autoencoder."""
from __future__ import annotations

from types import SimpleNamespace

import pytest
import torch

from bench.minisd_bench import fidelity_ceiling
from minisd.concepts import DEMO_CONCEPTS
from minisd.evaluator import load_evaluator


class _Autoencoder(torch.nn.Module):
    """encode → decode as the identity (a lossless autoencoder) or as a flat gray picture (a useless one)."""

    def __init__(self, lossless: bool):
        super().__init__()
        self.lossless = lossless
        self.anchor = torch.nn.Parameter(torch.zeros(1))  # gives the module a device and dtype

    @property
    def device(self):
        return self.anchor.device

    @property
    def dtype(self):
        return self.anchor.dtype

    def encode(self, x):
        return SimpleNamespace(latent_dist=SimpleNamespace(mean=x))

    def decode(self, z):
        return SimpleNamespace(sample=z if self.lossless else torch.zeros_like(z))


@pytest.fixture(scope="module")
def evaluator():
    return load_evaluator()


def test_a_lossless_autoencoder_reaches_the_renders_own_fidelity(evaluator):
    ceiling = fidelity_ceiling(evaluator, _Autoencoder(lossless=True), per_concept=2)
    assert set(ceiling) == {c.id for c in DEMO_CONCEPTS}
    for concept_id, scores in ceiling.items():
        assert scores["round_trip"] == scores["renders"], concept_id


def test_an_autoencoder_that_loses_everything_lowers_the_ceiling(evaluator):
    ceiling = fidelity_ceiling(evaluator, _Autoencoder(lossless=False), per_concept=2)
    renders = sum(s["renders"] for s in ceiling.values()) / len(ceiling)
    round_trip = sum(s["round_trip"] for s in ceiling.values()) / len(ceiling)
    assert renders > 0.8 and round_trip < renders - 0.3
