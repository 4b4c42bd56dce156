"""`python app.py bench all --out bench/results/`: every benchmark, one REPORT.md beside the paper's figures.

Selection (REPO-PROMPTS on the synthetic repository: Table 2, Table 3, targets, accuracy vs size),
quantization (`bench taq` on the mini model: Tables 1 and 4 in our terms), memory (SD1.5-size UNet)
and speed. Plots are PNG (matplotlib). The three sizes of run are in `bench.plans`; the paper's
figures in `bench.paper`; the Markdown in `bench.report_markdown`.
"""
from __future__ import annotations

import json
import os
import platform
import tempfile
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

import torch

from bench.intent_judge import LLMJudge, RubricJudge
from bench.plans import Plan
from bench.report_markdown import render
from bench.selection_eval import (
    ABLATIONS,
    BASELINES,
    SelectionResult,
    build_systems,
    evaluate_selection,
    open_synthetic,
    scaling_point,
)
from evaluation.repo_prompts import repo_prompts


def pick_judge(cfg: Any, checkpoints: dict) -> Any:
    """The paper's LLM judge when GOOGLE_API_KEY is set, else the deterministic rubric judge."""
    if getattr(cfg, "google_api_key", None):
        from agent.llm import GEMINI_MODEL, make_gemini

        return LLMJudge(make_gemini(cfg.google_api_key), checkpoints, GEMINI_MODEL)
    return RubricJudge(checkpoints)


def machine() -> str:
    gpu = torch.cuda.get_device_name(0) if torch.cuda.is_available() else "no GPU"
    return (f"{platform.machine()}, {os.cpu_count()} CPUs, {gpu}, Python {platform.python_version()}, "
            f"torch {torch.__version__}")


def run_all(cfg: Any, out: Path, plan: Plan, base_model: str | None = None, demo_repo: str | None = None,
            seed: int = 0, human: list[dict] | None = None) -> Path:
    """Run the plan and write REPORT.md; `human` is `votes_beside_judge(...)` when people have voted."""
    from rich.console import Console

    console = Console()
    out.mkdir(parents=True, exist_ok=True)
    started = time.time()
    timings: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="pq-report-") as tmp:
        folder = Path(tmp)
        t = time.time()
        store = open_synthetic(plan.size, folder, cfg.embed_model, seed, progress=True)
        instances = repo_prompts(store.checkpoints, plan.prompts, seed)
        (out / "repo_prompts.jsonl").write_text("".join(json.dumps(i.to_json()) + "\n" for i in instances))
        judge = pick_judge(cfg, store.checkpoints)
        selection = evaluate_selection(store, instances, judge,
                                       build_systems(store, seed, getattr(cfg, "reranker_model", None)))
        (out / "selection.jsonl").write_text("".join(json.dumps(r) + "\n" for r in selection.rows))
        timings["selection"] = time.time() - t

        t = time.time()
        points = []
        for size in plan.sizes:
            sized = store if size == plan.size else open_synthetic(size, folder, cfg.embed_model, seed, progress=True)
            console.print(f"accuracy vs size: {size} checkpoints")
            points.append(scaling_point(sized, repo_prompts(sized.checkpoints, plan.scale_prompts, seed + 1)))
        points.sort(key=lambda p: p["size"])
        timings["scaling"] = time.time() - t

    taq: dict[str, Any] | None = None
    if plan.taq_checkpoints and base_model and demo_repo:
        from bench.taq_bench import run_taq_bench

        t = time.time()
        run_taq_bench(base_model, demo_repo, Path(cfg.home), plan.taq_checkpoints, images=plan.taq_images,
                      steps=plan.taq_steps, bits=plan.taq_bits, out=out / "taq.json", attention_bits=plan.attention_bits)
        taq = json.loads((out / "taq.json").read_text())
        if plan.taq_grid:
            from bench.plans import GRID_SIZES, grid_rows
            from bench.taq_grid import run_taq_grid

            size = GRID_SIZES[plan.taq_grid]
            taq["grid"] = run_taq_grid(base_model, demo_repo, Path(cfg.home), size["checkpoints"], size["prompts"],
                                       size["seeds"], steps=size["steps"], rows=grid_rows(plan.taq_grid),
                                       out=out / "taq_grid.json")
        timings["quantization"] = time.time() - t
    sd15: list[dict] | None = None
    if plan.sd15:
        from bench.sd15_memory import run_sd15_memory

        t = time.time()
        sd15 = run_sd15_memory(None)
        (out / "sd15_memory.json").write_text(json.dumps(sd15, indent=1))
        timings["memory"] = time.time() - t
    timings["total"] = time.time() - started

    from bench.report_plots import plot_memory, plot_scaling, plot_taq

    plots = {"scaling": plot_scaling(points, out / "accuracy_vs_size.png")}
    if taq:
        plots["taq"] = plot_taq(taq, out / "taq_vs_bits.png")
    if taq or sd15:
        plots["memory"] = plot_memory(taq, sd15, out / "memory.png")
    (out / "results.json").write_text(json.dumps({
        "plan": asdict(plan), "selection": _selection_json(selection), "scaling": points, "timings_s": timings,
        "machine": machine()}, indent=1, default=str))
    report = out / "REPORT.md"
    report.write_text(render(plan, selection, points, taq, sd15, plots, timings, machine(), human), encoding="utf-8")
    console.print(f"wrote {report} ({timings['total']:.0f} s)")
    return report


def _selection_json(s: SelectionResult) -> dict[str, Any]:
    return {"size": s.size, "instances": s.instances, "kinds": s.kinds, "judge": s.judge, "systems": s.systems,
            "intent": s.intent, "metrics": s.metrics, "latency_ms": s.latency_ms, "accuracy": s.accuracy,
            "by_pattern": s.by_pattern,
            "pairwise": {k: {**asdict(v), "rate": v.rate, "interval": v.interval()} for k, v in s.pairwise.items()},
            "baselines": list(BASELINES), "ablations": list(ABLATIONS)}
