"""The TAQ grid end to end on the mini model, at the smallest size: paired per image, intervals, cache, JSON."""
from __future__ import annotations

import json

import pytest

from bench.plans import grid
from bench.taq_grid import grid_markdown, run_taq_grid
from config import AppConfig
from minisd.demo_repo import DEMO_DIR

BASE = AppConfig().base_model


@pytest.mark.slow
def test_tiny_grid_pairs_images_and_resumes_from_its_cache(tmp_path):
    rows = grid(("w8a4",), ("tensor",), ("none", "trigger"), all_scope=False)
    assert [r["protect"] for r in rows] == ["none", "trigger"]
    out = tmp_path / "grid.json"
    kwargs = dict(checkpoints=("rex-v3",), prompts=1, seeds=2, steps=2, rows=rows, out=out, resamples=200,
                  progress=False, calibration=(2, 2))
    first = run_taq_grid(BASE, str(DEMO_DIR), tmp_path / "home", **kwargs)
    saved = json.loads(out.read_text())
    assert saved["setup"]["images_per_row"] == 2  # 1 checkpoint × 1 prompt × 2 seeds
    assert [r["protect"] for r in saved["rows"]] == ["-", "none", "trigger"]
    assert all(len(v) == 2 for name, per in saved["per_image"].items() for v in per.values())
    (comparison,) = saved["comparisons"]
    assert comparison["comparison"] == "trigger − none"
    for metric in ("psnr", "attributes", "fidelity"):
        c = comparison[metric]
        assert c["lo"] <= c["mean"] <= c["hi"]
        assert c["verdict"] == ("better" if c["lo"] > 0 else "worse" if c["hi"] < 0 else "no difference")
    assert 5 < first["rows"][1]["psnr"] < 99  # quantized: close to float, not identical
    again = run_taq_grid(BASE, str(DEMO_DIR), tmp_path / "home", **kwargs)  # every row from the disk cache
    assert again["rows"] == first["rows"] and again["comparisons"] == first["comparisons"]
    table = "\n".join(grid_markdown(again))
    assert "| w8a4 cross-attention kv=tensor | trigger − none |" in table


def test_the_full_grid_has_every_row_the_question_needs_and_bench_all_runs_it():
    from bench.plans import PLANS, grid_rows

    rows = grid()
    keyed = {(r["bits"], r["act_scope"], r["kv_granularity"], r["protect"], r.get("inputs"), r.get("timestep_groups"))
             for r in rows}
    assert len(keyed) == len(rows) == 19
    assert {("w8a8", "cross-attention", "tensor", p, None, None) for p in ("none", "trigger")} <= keyed
    for kv in ("tensor", "prompt", "row"):  # W8A4, cross-attention scope: every granularity × protection
        for p in ("none", "bos", "trigger", "bos+trigger"):
            assert ("w8a4", "cross-attention", kv, p, None, None) in keyed
    assert ("w8a4", "cross-attention", "tensor", "random", None, None) in keyed  # the control, once
    for p in ("none", "trigger"):  # A-bits everywhere: per-token inputs
        assert ("w8a4", "all", "tensor", p, "token", None) in keyed
    assert ("w8a4", "all", "tensor", "trigger", "tensor", 10) in keyed  # per-timestep ranges (TFMQ-DM)
    assert ("w8a4", "all", "tensor", "trigger", "tensor", None) in keyed  # one range for every step: the baseline
    assert grid_rows("full") == rows and PLANS["full"].taq_grid == "full" and PLANS["quick"].taq_grid == "quick"
    assert [r["protect"] for r in grid_rows("quick")] == ["none", "trigger"]  # `bench all --quick`: a 2-row grid
