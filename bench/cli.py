"""The benchmark commands: `python -m bench ...`, also reached as `python app.py bench ...`.

    python -m bench index [--repo DIR]       index and retrieval benchmark
    python -m bench select [--repo DIR]      Check-in accuracy and latency
    python -m bench concurrency              20 selections at once × 3 rounds vs one at a time
    python -m bench checkin-scale --size N   Check-in on REPO-PROMPTS at one size: right share, p50/p95 (--profile)
    python -m bench phrasing                 Check-in on people's phrasings (tests/agent/phrasing), per family and kind
    python -m bench synonyms                 calibrate the synonym threshold on held-apart word pairs
    python -m bench answers                  calibrate the meaning fallback of clarification answers
    python -m bench minisd                   the mini model: base accuracy, concept fidelity, speed
    python -m bench taq [--quick] [--table] [--sd15]   the TAQ grid with intervals; TAQ table; SD1.5 memory
    python -m bench speed [--sd15-only] [--out FILE.json]   s/step per precision: fp32/bf16, compiled, W8/W4, int8
    python -m bench all --out DIR [--quick | --smoke]   every benchmark, REPORT.md beside the paper's tables
    python -m bench scale [--quick]          100,000 checkpoints on N replicas, simulated from measured costs
    python -m bench ray                      Ray Serve on a local cluster: Check-in replicas, multiplexed routing

The product never imports this package; `app.py bench` runs this module in a child process.
"""
from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

from bench.plans import BITS, DEFAULT_CHECKPOINTS
from config import AppConfig
from errors import exit_status
from wiring import build_services, demo_repo_dir


def cmd_bench_index(cfg: AppConfig, args: argparse.Namespace) -> int:
    from bench.index_bench import run_index_bench

    run_index_bench(args.repo, embed_model=cfg.embed_model, queries=args.queries,
                    changed=args.changed, versions=args.versions)
    return 0


def cmd_bench_select(cfg: AppConfig, args: argparse.Namespace) -> int:
    from bench.select_bench import run_select_bench

    run_select_bench(args.repo, embed_model=cfg.embed_model, clear=args.clear, ambiguous=args.ambiguous,
                     no_match=args.no_match, seed=args.seed, out=args.out)
    return 0


def cmd_bench_concurrency(cfg: AppConfig, args: argparse.Namespace) -> int:
    from bench.concurrency_bench import run_concurrency_bench

    run_concurrency_bench(args.repo, embed_model=cfg.embed_model, concurrent=args.concurrent, rounds=args.rounds,
                          serial=args.serial, seed=args.seed, unbatched=args.unbatched)
    return 0


def cmd_bench_all(cfg: AppConfig, args: argparse.Namespace) -> int:
    from bench.plans import PLANS
    from bench.report import run_all

    plan = PLANS["smoke" if args.smoke else "quick" if args.quick else "full"]
    if args.sizes:
        plan = replace(plan, sizes=tuple(args.sizes))
    human = None
    votes = Path(cfg.home) / "votes.sqlite"
    if votes.is_file():  # people voted in the judging tab: the judge's verdicts on the same pairs go beside theirs
        from bench.human_votes import votes_beside_judge
        from bench.intent_judge import RubricJudge

        services = build_services(cfg, demo_repo_dir(cfg))
        human = votes_beside_judge(services.votes, services.selection_pairs(),
                                   RubricJudge(services.repository.checkpoints))
    run_all(cfg, Path(args.out), plan, base_model=cfg.base_model, demo_repo=str(demo_repo_dir(cfg)), seed=args.seed,
            human=human)
    return 0


def cmd_bench_minisd(cfg: AppConfig, args: argparse.Namespace) -> int:
    from bench.minisd_bench import run_minisd_bench

    run_minisd_bench(cfg.base_model, str(args.repo or demo_repo_dir(cfg)), images=args.images,
                     per_concept=args.per_concept, steps=args.steps, guidance=args.guidance, seed=args.seed)
    return 0


def cmd_bench_taq(cfg: AppConfig, args: argparse.Namespace) -> int:
    repo = str(args.repo or demo_repo_dir(cfg))
    if args.table and not args.sd15_only:
        from bench.taq_bench import run_taq_bench

        run_taq_bench(cfg.base_model, repo, cfg.home, tuple(args.checkpoints or DEFAULT_CHECKPOINTS),
                      images=args.images, steps=args.steps or cfg.steps, guidance=args.guidance, bits=tuple(args.bits),
                      out=Path(args.out) if args.out else None)
    elif not args.sd15_only:
        from bench.plans import GRID_KV, GRID_PROTECT, GRID_SIZES, grid
        from bench.taq_grid import run_taq_grid

        size = GRID_SIZES["quick" if args.quick else "full"]
        rows = grid(tuple(args.grid_bits or (("w8a4",) if args.quick else ("w8a8", "w8a4"))),
                    tuple(args.kv or (("tensor",) if args.quick else GRID_KV)),
                    tuple(args.protect or (("none", "trigger") if args.quick else GRID_PROTECT)),
                    all_scope=not args.no_all_scope)
        run_taq_grid(cfg.base_model, repo, cfg.home, tuple(args.checkpoints or size["checkpoints"]),
                     prompts=args.prompts or size["prompts"], seeds=args.seeds or size["seeds"],
                     steps=args.steps or size["steps"], guidance=args.guidance, rows=rows,
                     out=Path(args.out or "bench/results/taq_grid.json"), cached_only=args.cached_only)
    if args.sd15 or args.sd15_only:
        from bench.sd15_memory import run_sd15_memory

        run_sd15_memory(Path(args.sd15_dir) if args.sd15_dir else None)
    return 0


def cmd_bench_checkin_scale(cfg: AppConfig, args: argparse.Namespace) -> int:
    from bench.scale_bench import run_scale_bench

    if args.reasoning_only:
        from bench.scale_bench import run_reasoning_only

        run_reasoning_only(args.size, args.prompts, home=args.home, seed=args.seed)
        return 0
    run_scale_bench(args.size, args.prompts, cfg.embed_model, home=args.home, seed=args.seed, profile=args.profile,
                    embedder=args.embedder)
    return 0


def cmd_bench_phrasing(cfg: AppConfig, args: argparse.Namespace) -> int:
    from bench.phrasing import run_phrasing_bench

    outcomes = run_phrasing_bench(args.corpus, cfg.embed_model, home=args.home, out=args.out, only=args.only,
                                  show_reasoning=args.verbose)
    return 0 if outcomes else 1


def cmd_bench_synonyms(cfg: AppConfig, args: argparse.Namespace) -> int:
    from bench.synonyms import run_synonym_calibration

    run_synonym_calibration(cfg.embed_model)
    return 0


def cmd_bench_answers(cfg: AppConfig, args: argparse.Namespace) -> int:
    from bench.answers import run_answer_calibration

    run_answer_calibration(cfg.embed_model)
    return 0


def cmd_bench_scale(cfg: AppConfig, args: argparse.Namespace) -> int:
    """Many checkpoints on many replicas: the simulation driven by costs measured here (docs/scale-out.md)."""
    from bench.scale_sim import markdown, run_scale

    from bench.scale_sim import load_costs

    costs = load_costs(Path(args.costs)) if args.costs else None
    result = run_scale(Path(args.out), budget_gb=args.budget_gb, rate=args.rate, slo_s=args.slo, quick=args.quick,
                       costs=costs)
    print(markdown(result))
    print(f"\nwrote {Path(args.out) / 'scale.json'} and {Path(args.out) / 'scale_out.png'}")
    return 0


def cmd_bench_ray(cfg: AppConfig, args: argparse.Namespace) -> int:
    """The Ray Serve deployments on a real local Ray cluster: Check-in replicas, multiplexed generation."""
    import json

    from bench.ray_bench import markdown, run_ray_bench

    result = run_ray_bench(num_cpus=args.num_cpus)
    print(markdown(result))
    if args.out:
        Path(args.out).write_text(json.dumps(result, indent=1))
    return 0


def cmd_bench_speed(cfg: AppConfig, args: argparse.Namespace) -> int:
    from bench.speed_bench import ROWS, run_speed_bench

    rows = tuple(args.rows) if args.rows else None
    unknown = sorted(set(rows or ()) - {r.name for r in ROWS})
    if unknown:
        print(f"error: unknown rows {', '.join(unknown)}; use {', '.join(r.name for r in ROWS)}", file=sys.stderr)
        return 2
    scratch = Path(args.scratch) if args.scratch else cfg.home / "bench-speed"
    run_speed_bench(cfg.base_model, scratch, sd15=not args.mini_only, mini=not args.sd15_only,
                    sd15_steps=args.steps, rows=rows, out=Path(args.out) if args.out else None)
    return 0


def build_parser(cfg: AppConfig = AppConfig()) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python app.py bench", description="PersonalQ benchmarks: each prints its tables")
    bench = parser.add_subparsers(dest="bench_command", required=True)
    p = bench.add_parser("index", help="cold build, incremental re-index, retrieval latency")
    p.add_argument("--repo", help="repository folder (default: a fresh synthetic one)")
    p.add_argument("--versions", type=int, default=50, help="versions per category when synthesizing")
    p.add_argument("--queries", type=int, default=200)
    p.add_argument("--changed", type=int, default=10)
    p.set_defaults(func=cmd_bench_index)
    p = bench.add_parser("select", help="Check-in accuracy and latency on generated queries")
    p.add_argument("--repo", help="repository folder (default: a fresh 1000-checkpoint synthetic one)")
    p.add_argument("--clear", type=int, default=200)
    p.add_argument("--ambiguous", type=int, default=60)
    p.add_argument("--no-match", type=int, default=60)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", help="write queries and outcomes as JSON lines here")
    p.set_defaults(func=cmd_bench_select)
    p = bench.add_parser("concurrency", help="Check-in latency with many selections at once vs one at a time")
    p.add_argument("--repo", help="repository folder (default: the demo repository)")
    p.add_argument("--concurrent", type=int, default=20)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--serial", type=int, default=20, help="requests one at a time first, for comparison")
    p.add_argument("--unbatched", action="store_true", help="embed each query on its own thread, as before batching")
    p.add_argument("--seed", type=int, default=0)
    p.set_defaults(func=cmd_bench_concurrency)
    p = bench.add_parser("checkin-scale", help="Check-in alone on REPO-PROMPTS at one repository size: right share, p50/p95")
    p.add_argument("--size", type=int, default=1000, help="checkpoints in the synthetic repository (default 1000)")
    p.add_argument("--prompts", type=int, default=100, help="REPO-PROMPTS requests (default 100)")
    p.add_argument("--home", help="folder that keeps the repository and its index between runs")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--profile", action="store_true", help="print where the first turns spend their time")
    p.add_argument("--embedder", choices=("minilm", "hashing"), default="minilm",
                   help="hashing: a fast stand-in index of the same width, for timing 100,000 checkpoints on a CPU")
    p.add_argument("--reasoning-only", action="store_true",
                   help="time parse + decide alone (no index): what grows with the repository in Check-in's code")
    p.set_defaults(func=cmd_bench_checkin_scale)
    p = bench.add_parser("phrasing", help="Check-in on requests written by people: accuracy per family and kind")
    p.add_argument("--corpus", help="folder with requests.jsonl and repo_<name>/ folders (default tests/agent/phrasing)")
    p.add_argument("--home", help="index folder kept between runs (default: a fresh temporary one)")
    p.add_argument("--out", help="write every outcome as JSON lines here")
    p.add_argument("--only", nargs="+", help="line ids or family numbers to run")
    p.add_argument("--verbose", action="store_true", help="print the reasoning of each failure")
    p.set_defaults(func=cmd_bench_phrasing)
    p = bench.add_parser("synonyms", help="calibrate the synonym threshold on held-apart word pairs")
    p.set_defaults(func=cmd_bench_synonyms)
    p = bench.add_parser("answers", help="calibrate the meaning fallback of clarification answers")
    p.set_defaults(func=cmd_bench_answers)
    p = bench.add_parser("all", help="every benchmark and one REPORT.md beside the paper's tables")
    p.add_argument("--out", default="bench/results", help="folder for REPORT.md, plots and JSON (default bench/results)")
    p.add_argument("--quick", action="store_true", help="under 10 minutes on a 2-core CPU (smaller sizes, no SD1.5 rows)")
    p.add_argument("--smoke", action="store_true", help="a tiny run that checks the pipeline end to end (CI)")
    p.add_argument("--sizes", type=int, nargs="+", help="repository sizes for accuracy vs size (default: per mode)")
    p.add_argument("--seed", type=int, default=0)
    p.set_defaults(func=cmd_bench_all)
    p = bench.add_parser("minisd", help="the mini model: evaluator, base accuracy, concept fidelity, speed")
    p.add_argument("--repo", help="repository of mini-model checkpoints (default: the demo repository)")
    p.add_argument("--images", type=int, default=200, help="held-out captions for the base model")
    p.add_argument("--per-concept", type=int, default=8)
    p.add_argument("--steps", type=int, default=cfg.steps)
    p.add_argument("--guidance", type=float, default=cfg.guidance)
    p.add_argument("--seed", type=int, default=0)
    p.set_defaults(func=cmd_bench_minisd)
    p = bench.add_parser("taq", help="the TAQ grid (K/V granularity × protection × bits × scope, bootstrap "
                                     "intervals); --table: bits × quantizer with memory and speed; --sd15: SD1.5 memory")
    p.add_argument("--repo", help="repository of mini-model checkpoints (default: the demo repository)")
    p.add_argument("--checkpoints", nargs="+", help="default: 8 demo checkpoints (quick: rex-v3)")
    p.add_argument("--prompts", type=int, help="prompts per checkpoint (default 8; quick 2)")
    p.add_argument("--seeds", type=int, help="seeds per prompt (default 2; quick 1)")
    p.add_argument("--steps", type=int, help="denoising steps (grid: 4, quick 8; --table: the configured steps)")
    p.add_argument("--guidance", type=float, default=cfg.guidance)
    p.add_argument("--quick", action="store_true", help="a tiny grid: w8a4, per-tensor K/V, none vs trigger")
    p.add_argument("--grid-bits", nargs="+", help="bits of the grid's rows (default w8a8 w8a4)")
    p.add_argument("--kv", nargs="+", help="K/V granularities of the grid (default tensor prompt row)")
    p.add_argument("--protect", nargs="+", help="protections of the grid (default none bos trigger bos+trigger random)")
    p.add_argument("--no-all-scope", action="store_true", help="leave out the rows with A-bits everywhere")
    p.add_argument("--cached-only", action="store_true", help="summarize the rows a previous run finished (same "
                                                               "home and sizes); compute nothing new")
    p.add_argument("--out", help="JSON results (grid default bench/results/taq_grid.json)")
    p.add_argument("--table", action="store_true", help="the bits × quantizer × protection table instead of the grid")
    p.add_argument("--images", type=int, default=4, help="--table: images per checkpoint and configuration")
    p.add_argument("--bits", nargs="+", default=list(BITS), help="--table: bit-widths")
    p.add_argument("--sd15", action="store_true", help="also the SD1.5-size memory rows (about 6 GB of scratch files)")
    p.add_argument("--sd15-only", action="store_true", help="only the SD1.5-size memory rows")
    p.add_argument("--sd15-dir", help="keep the SD1.5-size scratch files here (default: a temporary folder)")
    p.set_defaults(func=cmd_bench_taq)
    p = bench.add_parser("scale", help="100,000 checkpoints on N replicas: simulation from measured load and image costs")
    p.add_argument("--out", default="bench/results", help="folder for scale.json and scale_out.png")
    p.add_argument("--budget-gb", type=float, default=24.0, help="memory of one replica (default 24 GB)")
    p.add_argument("--rate", type=float, default=20.0, help="target requests per second (default 20)")
    p.add_argument("--slo", type=float, default=10.0, help="p95 latency target in seconds (default 10)")
    p.add_argument("--quick", action="store_true", help="shorter runs, no CPU step measurement")
    p.add_argument("--costs", help="reuse the costs measured by an earlier run (its scale.json): simulate only")
    p.set_defaults(func=cmd_bench_scale)
    p = bench.add_parser("ray", help="Ray Serve on a local cluster: Check-in replicas, multiplexed vs default routing")
    p.add_argument("--num-cpus", type=int, default=2)
    p.add_argument("--out", help="write the measurements as JSON here")
    p.set_defaults(func=cmd_bench_ray)
    p = bench.add_parser("speed", help="s/step per precision (fp32/bf16, eager/compiled, W8, W4, W8A8 fake vs int8)")
    p.add_argument("--sd15-only", action="store_true", help="only the SD1.5-size UNet rows")
    p.add_argument("--mini-only", action="store_true", help="only the mini model rows")
    p.add_argument("--rows", nargs="+", help="a subset of the rows, by name")
    p.add_argument("--steps", type=int, default=1, help="timed SD1.5 steps per row after the first call (0: time the first call)")
    p.add_argument("--scratch", help="scratch files reused between runs (default $PERSONALQ_HOME/bench-speed)")
    p.add_argument("--out", help="write the rows as JSON here")
    p.set_defaults(func=cmd_bench_speed)
    return parser


def run(argv: list[str] | None) -> int:
    cfg = AppConfig.from_env()
    args = build_parser(cfg).parse_args(argv)
    return args.func(cfg, args)


def main(argv: list[str] | None = None) -> int:
    """Run one benchmark; a PersonalQError prints one line and exits 2, anything else keeps its traceback."""
    return exit_status(lambda: run(argv))


if __name__ == "__main__":
    sys.exit(main())
