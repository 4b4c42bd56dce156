"""The scaling simulation's invariants (small runs; the real sweep is `python app.py bench scale`)."""
from __future__ import annotations

import pytest

from bench.scale_sim import Costs, scenarios, simulate

SMALL = dict(checkpoints=50, requests=3000, warmup=500, image_s=1.0, load_s=0.5)


def test_everything_cached_means_every_request_hits_and_costs_one_image():
    result = simulate(routing="multiplexed", replicas=1, per_replica=10, rate=0.2, **(SMALL | {"checkpoints": 10}))
    assert result.hit_rate == 1.0
    assert result.p50_s == pytest.approx(1.0)  # low load: no queueing, no load


def test_one_replica_routes_the_same_either_way():
    a = simulate(routing="multiplexed", replicas=1, per_replica=5, rate=0.5, **SMALL)
    b = simulate(routing="round-robin", replicas=1, per_replica=5, rate=0.5, **SMALL)
    assert (a.hit_rate, a.p95_s) == (b.hit_rate, b.p95_s)


def test_multiplexing_raises_the_hit_rate_over_routing_blind_to_checkpoints():
    a = simulate(routing="multiplexed", replicas=8, per_replica=5, rate=4, **SMALL)
    b = simulate(routing="round-robin", replicas=8, per_replica=5, rate=4, **SMALL)
    assert a.hit_rate > b.hit_rate + 0.2
    assert 0 < b.hit_rate < 1 and a.p50_s >= 1.0 and b.p50_s >= 1.0


def test_fewer_bits_fit_more_checkpoints_per_replica():
    costs = Costs(load_gb_per_s=1.0, warm_load_gb_per_s=4.0, unet_params=859_520_964, lora_bytes=0, cpu_step_s=1.0,
                  demo_lora_load_ms=1.0, demo_dreambooth_load_ms=1.0)
    fits = {s.precision: (s.per_replica, round(s.load_s, 3)) for s in scenarios(costs, budget_gb=24, reserved_gb=4)}
    assert fits == {"w4": (46, 0.43), "w8": (23, 0.86), "fp16": (11, 1.719)}
