"""PersonalQ command line: builds objects from config, wires them, runs a subcommand.

    python app.py [serve] [--port 7860]        the web app: chat, repository browser, judging
    python app.py prepare                      make the embedded defaults (demo repository + index)
    python app.py repo check DIR               validate a repository folder
    python app.py repo index DIR               build or refresh its index
    python app.py repo search DIR "QUERY"      hybrid retrieval, for a look by hand
    python app.py repo synth --out DIR         write a synthetic repository
    python app.py select --repo DIR "QUERY"    Check-in: one JSON line per query (see DESIGN.md)
    python app.py generate --repo DIR --checkpoint ID --prompt "..." [--bits w8a8] --out FILE.png
    python app.py bench index [--repo DIR]     index and retrieval benchmark
    python app.py bench select [--repo DIR]    Check-in accuracy and latency
    python app.py bench minisd                 the mini model: base accuracy, concept fidelity, speed
    python app.py bench taq [--sd15]           TAQ vs plain quantization; SD1.5-size memory
    python app.py bench all --out DIR [--quick]  every benchmark, REPORT.md beside the paper's tables
    python app.py taq sensitivity --checkpoint ID   per-token K/V sensitivity table + bar chart
    python app.py taq outliers [--checkpoints ID…]  which tokens hold max |K|/|V| and attention mass
"""
from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import traceback
import uuid
from dataclasses import replace
from datetime import date
from pathlib import Path

os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")  # chromadb: no network
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

from config import AppConfig


def demo_repo_dir(cfg: AppConfig) -> Path:
    from minisd.demo_repo import DEMO_DIR

    return cfg.repo if cfg.repo is not None else DEMO_DIR


def cmd_prepare(cfg: AppConfig, args: argparse.Namespace) -> int:
    """Embedded defaults: check the bundled mini model and index the repository served."""
    from repo_store import Repository, load_embedder
    from serve.pipeline import verify_manifest

    repo = demo_repo_dir(cfg)
    if not any(repo.glob("*.yaml")):
        raise FileNotFoundError(f"no checkpoint metadata in {repo}; set PERSONALQ_REPO to your repository, or "
                                "rebuild the demo with `python -m minisd.demo_repo`")
    if Path(cfg.base_model).is_dir():
        verify_manifest(Path(cfg.base_model))
        print(f"base model verified: {cfg.base_model}")
    store = Repository.open(repo, cfg.home, load_embedder(cfg.embed_model), progress=True)
    print(f"index ready: {store.index.count()} checkpoints from {repo} under {cfg.home}")
    return 0


def build_services(cfg: AppConfig, repo_dir: str | Path, progress: bool = False):
    """Everything the web app needs, built from the configuration (no globals)."""
    import secrets

    from agent.checkin import CheckIn, sqlite_checkpointer
    from agent.graph import build_graph
    from agent.llm import LLMReranker, make_gemini
    from bench.baselines import CheckinSelector, DenseSelector, RandomSelector
    from judging.pairs import SelectionPairs
    from judging.votes import VoteStore
    from serve.generate import Generator
    from serve.pipeline import Device
    from ui.services import Services

    store = _open_repository(cfg, str(repo_dir), progress=progress)
    for refusal in store.loaded.refused:
        print(f"skipped {refusal.file}: {refusal.reason}", file=sys.stderr)
    checkpointer = sqlite_checkpointer(cfg.home)
    reranker = LLMReranker(make_gemini(cfg.google_api_key)) if cfg.google_api_key else None

    def checkin_over(repository):
        return CheckIn(build_graph(checkpointer, repository, reranker=reranker))

    def selection_pairs(services):  # judged on the benchmark's queries, baselines as in the paper's Table 2
        from agent.vocab import Vocabulary

        repository = services.repository
        vocab = Vocabulary.build(repository.checkpoints, repository.index.embedder)
        # the judge's own Check-in runs (simulated user) keep their threads apart from the visitors' threads.sqlite
        checkin = CheckIn(build_graph(sqlite_checkpointer(cfg.home, "judge_threads.sqlite"), repository, vocab,
                                      reranker=reranker))
        return SelectionPairs(repository.checkpoints, CheckinSelector(checkin),
                              [RandomSelector(repository, vocab), DenseSelector(repository),
                               CheckinSelector(checkin, clarify=False)])

    secret_file = Path(cfg.home) / "browser_secret"
    if not secret_file.is_file():
        secret_file.parent.mkdir(parents=True, exist_ok=True)
        secret_file.write_text(secrets.token_urlsafe(24))
    generator = Generator(cfg.base_model, Device.detect(), cfg.home, cfg.memory_budget_mb)
    return Services(repository=store, checkin=checkin_over(store), generator=generator,
                    votes=VoteStore(Path(cfg.home) / "votes.sqlite"), home=Path(cfg.home),
                    build_checkin=checkin_over, build_selection_pairs=selection_pairs,
                    browser_secret=secret_file.read_text().strip())


def cmd_serve(cfg: AppConfig, args: argparse.Namespace) -> int:
    """The web app on 127.0.0.1 (chat, repository, judging)."""
    from ui.app import launch

    services = build_services(cfg, demo_repo_dir(cfg), progress=True)
    print(f"PersonalQ: http://{args.host}:{args.port}  ({len(services.repository.checkpoints)} checkpoints from "
          f"{services.repository.loaded.root}, {services.generator.device.name})", file=sys.stderr)
    launch(services, host=args.host, port=args.port)
    return 0


def cmd_repo_check(cfg: AppConfig, args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.table import Table

    from repo_store import load_repository

    loaded = load_repository(args.dir)
    table = Table(title=f"{loaded.root}: {len(loaded.checkpoints)} loaded, {len(loaded.refused)} refused")
    for column in ("status", "file", "id / reason"):
        table.add_column(column, overflow="fold")
    root = Path(loaded.root)
    for ckpt in loaded.checkpoints.values():
        table.add_row("ok", str(Path(ckpt.source).relative_to(root)), ckpt.id)
    for warning in loaded.warnings:
        table.add_row("[yellow]warning[/]", warning.file, warning.reason)
    for refusal in loaded.refused:
        table.add_row("[red]refused[/]", refusal.file, refusal.reason)
    Console(width=max(120, Console().width)).print(table)
    return 0 if loaded.ok else 1


def _open_repository(cfg: AppConfig, repo_dir: str, progress: bool):
    from repo_store import Repository, load_embedder

    return Repository.open(repo_dir, cfg.home, load_embedder(cfg.embed_model), progress=progress)


def cmd_repo_index(cfg: AppConfig, args: argparse.Namespace) -> int:
    store = _open_repository(cfg, args.dir, progress=True)
    r = store.last_sync
    if r.rebuilt:
        print(f"rebuilt the index: {r.rebuilt}")
    print(f"indexed {store.index.count()} checkpoints in {r.seconds:.1f}s: {len(r.added)} added, "
          f"{len(r.updated)} updated, {len(r.removed)} removed, {r.unchanged} unchanged")
    for refusal in store.loaded.refused:
        print(f"refused {refusal.file}: {refusal.reason}", file=sys.stderr)
    return 0 if store.loaded.ok else 1


def cmd_repo_search(cfg: AppConfig, args: argparse.Namespace) -> int:
    where = json.loads(args.where) if args.where else None
    store = _open_repository(cfg, args.dir, progress=False)
    for hit in store.retrieve(args.query, k=args.k, where=where):
        dense = f"{hit.dense:.3f}" if hit.dense is not None else "  -  "
        lexical = f"{hit.lexical:.2f}" if hit.lexical is not None else "  -  "
        print(f"{hit.fused:.4f}  dense {dense}  bm25 {lexical}  {hit.checkpoint_id:28s} {hit.checkpoint.name}")
    return 0


def build_checkin(cfg: AppConfig, repo_dir: str | Path, progress: bool = False):
    """Wire Check-in: repository + index, durable SQLite threads, Gemini when a key is set."""
    from agent.checkin import CheckIn, sqlite_checkpointer
    from agent.graph import build_graph
    from agent.llm import LLMReranker, make_gemini

    store = _open_repository(cfg, str(repo_dir), progress=progress)
    for refusal in store.loaded.refused:
        print(f"skipped {refusal.file}: {refusal.reason}", file=sys.stderr)
    reranker = LLMReranker(make_gemini(cfg.google_api_key)) if cfg.google_api_key else None
    return CheckIn(build_graph(sqlite_checkpointer(cfg.home), store, reranker=reranker))


def cmd_select(cfg: AppConfig, args: argparse.Namespace) -> int:
    """Check-in from the command line: only the contract's JSON lines go to stdout."""
    from agent.checkin import RequestError

    if (args.query is None) == (args.batch is None):
        print("error: give either a QUERY or --batch FILE", file=sys.stderr)
        return 2
    try:
        now = date.fromisoformat(args.now) if args.now else date.today()
    except ValueError:
        print(f"error: --now {args.now!r} is not a date; use YYYY-MM-DD, e.g. --now 2025-05-14", file=sys.stderr)
        return 2
    if args.batch:
        lines = Path(args.batch).read_text(encoding="utf-8").splitlines()
        jobs = []
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
                jobs.append((str(item["query"]), item.get("answer")))
            except (json.JSONDecodeError, KeyError, TypeError) as err:
                jobs.append((None, f"{args.batch}:{number}: expected {{\"query\": str, \"answer\": str|null}} ({err})"))
    else:
        jobs = [(args.query, args.answer)]

    out = sys.stdout
    with contextlib.redirect_stdout(sys.stderr):  # libraries' chatter never reaches stdout
        checkin = build_checkin(cfg, args.repo)
        for query, answer in jobs:
            result = {"status": "no_match", "checkpoint": None, "candidates": [], "question": None, "prompt": None}
            try:
                if query is None:
                    raise RequestError(answer)  # a malformed batch line; `answer` holds why
                thread = f"cli-{uuid.uuid4().hex}"
                turn = checkin.ask(query, thread, now)
                if turn.status == "clarify" and answer:
                    turn = checkin.reply(answer, thread)
                if args.verbose:
                    print(f"# {query}\n  " + "\n  ".join(turn.reasoning + [turn.message]), file=sys.stderr)
                result = turn.contract()
            except RequestError as err:
                print(f"error: {err}", file=sys.stderr)
            except Exception:  # one broken request must not end a batch; the traceback goes to stderr
                print(f"internal error on {query!r}; please report it:\n{traceback.format_exc()}", file=sys.stderr)
            out.write(json.dumps(result) + "\n")
            out.flush()
    return 0


def cmd_generate(cfg: AppConfig, args: argparse.Namespace) -> int:
    """One image from a checkpoint of a repository (full precision), with a progress bar."""
    from repo_store.loader import load_repository
    from serve.cache import MemoryBudgetError
    from serve.checkpoints import CheckpointError
    from serve.generate import Generator, Settings
    from serve.pipeline import BaseModelError, Device

    repo = Path(args.repo) if args.repo else demo_repo_dir(cfg)
    loaded = load_repository(repo)
    for refusal in loaded.refused:
        print(f"skipped {refusal.file}: {refusal.reason}", file=sys.stderr)
    checkpoint = None
    if args.checkpoint:
        checkpoint = loaded.checkpoints.get(args.checkpoint)
        refused = [r for r in loaded.refused if Path(r.file).stem == args.checkpoint]
        if checkpoint is None and refused:
            print(f"error: checkpoint {args.checkpoint!r} was refused: {refused[0].reason}", file=sys.stderr)
            return 2
        if checkpoint is None:
            known = ", ".join(sorted(loaded.checkpoints)[:8])
            print(f"error: no checkpoint {args.checkpoint!r} in {repo}; known ids include {known} "
                  f"(`python app.py repo check {repo}` lists them)", file=sys.stderr)
            return 2
        if checkpoint.trigger not in args.prompt:
            print(f"note: the prompt does not contain the trigger {checkpoint.trigger}; the checkpoint's concept "
                  "answers to it", file=sys.stderr)
    try:
        given = {"steps": args.steps, "seed": args.seed, "guidance": args.guidance, "bits": args.bits,
                 "quantizer": args.quantizer, "protect": args.protect, "kv_granularity": args.kv_granularity,
                 "act_scope": args.act_scope, "probs": args.probs, "inputs": args.inputs}
        settings = Settings(**{k: v for k, v in given.items() if v is not None})  # defaults live in Settings
        generator = Generator(cfg.base_model, Device.detect(args.device, args.bits), cfg.home, cfg.memory_budget_mb)
        image = generator.generate(args.prompt, checkpoint, settings, show_bar=True)
    except (BaseModelError, CheckpointError, MemoryBudgetError, ValueError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    image.save(args.out)
    precision = settings.taq.name if settings.taq else str(generator.device.dtype).removeprefix("torch.")
    calibrated = f", calibrated in {generator.calibration_seconds:.1f}s" if generator.calibration_seconds else ""
    print(f"wrote {args.out} ({image.width}×{image.height}, {generator.device.name}, {precision}{calibrated}, "
          f"{checkpoint.id if checkpoint else 'base model'})", file=sys.stderr)
    return 0


def _find_checkpoint(cfg: AppConfig, repo_arg: str | None, checkpoint_id: str):
    """The checkpoint `checkpoint_id` of a repository, or a ValueError that says what exists."""
    from repo_store.loader import load_repository

    repo = Path(repo_arg) if repo_arg else demo_repo_dir(cfg)
    loaded = load_repository(repo)
    if checkpoint_id not in loaded.checkpoints:
        known = ", ".join(sorted(loaded.checkpoints)[:8])
        raise ValueError(f"no checkpoint {checkpoint_id!r} in {repo}; known ids include {known}")
    return loaded.checkpoints[checkpoint_id]


def cmd_taq_sensitivity(cfg: AppConfig, args: argparse.Namespace) -> int:
    """Per-token K/V quantization sensitivity (the paper's Figure 2): a table and a bar chart."""
    from rich.console import Console
    from rich.table import Table

    from quant.sensitivity import bar_chart, token_sensitivity
    from serve.generate import Generator, Settings
    from serve.pipeline import Device

    checkpoint = _find_checkpoint(cfg, args.repo, args.checkpoint)
    prompt = args.prompt.replace("<trigger>", checkpoint.trigger)
    generator = Generator(cfg.base_model, Device.detect(args.device), cfg.home, cfg.memory_budget_mb)
    pipe = generator.activate(checkpoint, Settings())
    rows = token_sensitivity(pipe, prompt, checkpoint.trigger, tuple(args.bits), args.steps, args.seed,
                             args.guidance, generator.image_size())
    table = Table(title=f"{checkpoint.id}: MSE when only one token's K/V rows are quantized (\"{prompt}\")")
    for column in ["pos", "token", "trigger"] + [f"MSE {b}-bit" for b in args.bits]:
        table.add_column(column)
    for row in rows:
        table.add_row(str(row.position), row.token, "yes" if row.is_trigger else "",
                      *(f"{row.mse[b]:.3f}" for b in args.bits))
    for label, group in (("trigger mean", [r for r in rows if r.is_trigger]),
                         ("other mean", [r for r in rows if not r.is_trigger])):
        if group:
            table.add_row("", label, "", *(f"{sum(r.mse[b] for r in group) / len(group):.3f}" for b in args.bits))
    Console(width=120).print(table)
    path = bar_chart(rows, args.out, f"{checkpoint.id}: per-token K/V quantization, MSE vs full precision")
    print(f"wrote {path}", file=sys.stderr)
    return 0


def cmd_taq_outliers(cfg: AppConfig, args: argparse.Namespace) -> int:
    """Per cross-attention layer: which token class holds max |K| / |V|, by how much, and the attention mass."""
    from rich.console import Console
    from rich.table import Table
    from tqdm import tqdm

    from quant.calibration import calibration_prompts
    from quant.outliers import GROUPS, outlier_stats, plot, short, summarize
    from repo_store.loader import load_repository
    from serve.generate import Generator, Settings
    from serve.pipeline import Device

    repo = Path(args.repo) if args.repo else demo_repo_dir(cfg)
    known = load_repository(repo).checkpoints
    ids = args.checkpoints or sorted(known)
    missing = [i for i in ids if i not in known]
    if missing:
        raise ValueError(f"no checkpoint {missing[0]!r} in {repo}")
    generator = Generator(cfg.base_model, Device.detect(args.device), cfg.home, cfg.memory_budget_mb)
    runs = []
    for cid in tqdm(ids, desc="checkpoints", unit="checkpoint"):
        checkpoint = known[cid]
        pipe = generator.activate(checkpoint, Settings())
        subject = checkpoint.subjects[0] if checkpoint.subjects else "dog"
        prompts = calibration_prompts(checkpoint.trigger, subject, args.prompts)
        runs.append(outlier_stats(pipe, prompts, checkpoint.trigger, args.steps, args.guidance, generator.image_size()))
    rows = summarize(runs)
    table = Table(title=f"cross-attention outliers over {len(ids)} checkpoints × {args.prompts} calibration prompts "
                        f"({args.steps} steps, guidance {args.guidance}): share of prompts whose largest row is in each "
                        "class; that class's largest row ÷ the largest of the rest; attention mass")
    for column in ("layer", "tensor", *(f"max in {g}" for g in GROUPS), "trigger ÷ rest", "bos ÷ rest",
                   *(f"mass {g}" for g in GROUPS)):
        table.add_column(column, justify="right")
    for r in rows:
        table.add_row(short(r["layer"]), r["tensor"], *(f"{r['holds'][g]:.0%}" for g in GROUPS),
                      f"{r['ratio']['trigger']:.2f}", f"{r['ratio']['bos']:.2f}",
                      *(f"{r['mass'][g]:.1%}" for g in GROUPS))
    Console(width=160).print(table)
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps({"checkpoints": ids, "prompts": args.prompts, "steps": args.steps,
                                               "guidance": args.guidance, "rows": rows}, indent=1))
    path = plot(rows, args.out, f"mini model, {len(ids)} checkpoints × {args.prompts} calibration prompts")
    print(f"wrote {path}", file=sys.stderr)
    return 0


def cmd_repo_synth(cfg: AppConfig, args: argparse.Namespace) -> int:
    from repo_store.synth import synth_records, write_repository

    n = write_repository(args.out, synth_records(args.categories, args.versions, args.seed))
    print(f"wrote {n} checkpoint metadata files to {args.out}")
    return 0


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


def cmd_bench_all(cfg: AppConfig, args: argparse.Namespace) -> int:
    from bench.report import PLANS, run_all

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
    from bench.taq_defaults import DEFAULT_CHECKPOINTS, FULL, GRID_PROTECT, QUICK, grid

    repo = str(args.repo or demo_repo_dir(cfg))
    if args.table and not args.sd15_only:
        from bench.taq_bench import run_taq_bench

        run_taq_bench(cfg.base_model, repo, cfg.home, tuple(args.checkpoints or DEFAULT_CHECKPOINTS),
                      images=args.images, steps=args.steps or 25, guidance=args.guidance, bits=tuple(args.bits),
                      out=Path(args.out) if args.out else None)
    elif not args.sd15_only:
        from bench.taq_grid import run_taq_grid

        size = QUICK if args.quick else FULL
        rows = grid(tuple(args.grid_bits or (("w8a4",) if args.quick else ("w8a8", "w8a4"))),
                    tuple(args.kv or (("tensor",) if args.quick else ("tensor", "row"))),
                    tuple(args.protect or (("none", "trigger") if args.quick else GRID_PROTECT)),
                    all_scope=not args.no_all_scope)
        run_taq_grid(cfg.base_model, repo, cfg.home, tuple(args.checkpoints or size["checkpoints"]),
                     prompts=args.prompts or size["prompts"], seeds=args.seeds or size["seeds"],
                     steps=args.steps or (8 if args.quick else 25), guidance=args.guidance, rows=rows,
                     out=Path(args.out or "bench/results/taq_grid.json"))
    if args.sd15 or args.sd15_only:
        from bench.sd15_memory import run_sd15_memory

        run_sd15_memory(Path(args.sd15_dir) if args.sd15_dir else None)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="app.py", description="PersonalQ: select, quantize and serve personalized diffusion models")
    sub = parser.add_subparsers(dest="command")
    p = sub.add_parser("serve", help="launch the web app (default)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=7860)
    p.set_defaults(func=cmd_serve)
    sub.add_parser("prepare", help="make the embedded defaults").set_defaults(func=cmd_prepare)

    repo = sub.add_parser("repo", help="checkpoint repository tools").add_subparsers(dest="repo_command", required=True)
    p = repo.add_parser("check", help="validate metadata files; exit 1 if any is refused")
    p.add_argument("dir")
    p.set_defaults(func=cmd_repo_check)
    p = repo.add_parser("index", help="build or refresh the index under $PERSONALQ_HOME")
    p.add_argument("dir")
    p.set_defaults(func=cmd_repo_index)
    p = repo.add_parser("search", help="hybrid retrieval from the command line")
    p.add_argument("dir")
    p.add_argument("query")
    p.add_argument("-k", type=int, default=10)
    p.add_argument("--where", help='chroma metadata filter as JSON, e.g. \'{"created_month": 4}\'')
    p.set_defaults(func=cmd_repo_search)
    p = repo.add_parser("synth", help="write a synthetic repository (categories × versions YAML files)")
    p.add_argument("--out", required=True)
    p.add_argument("--categories", type=int, default=20)
    p.add_argument("--versions", type=int, default=50)
    p.add_argument("--seed", type=int, default=0)
    p.set_defaults(func=cmd_repo_synth)

    p = sub.add_parser("select", help="Check-in: pick the checkpoint a request means (JSON lines on stdout)")
    p.add_argument("--repo", required=True)
    p.add_argument("--now", help="reference date YYYY-MM-DD for 'yesterday', 'last week' (default today)")
    p.add_argument("--answer", help="reply to use if the first turn asks a question")
    p.add_argument("--batch", help='JSON-lines file of {"query": str, "answer": str|null}')
    p.add_argument("--verbose", action="store_true", help="reasoning to stderr")
    p.add_argument("query", nargs="?")
    p.set_defaults(func=cmd_select)

    p = sub.add_parser("generate", help="one image from a checkpoint (full precision)")
    p.add_argument("--repo", help="repository folder (default: the demo repository)")
    p.add_argument("--checkpoint", help="checkpoint id (default: the plain base model)")
    p.add_argument("--prompt", required=True)
    p.add_argument("--steps", type=int, help="denoising steps (default 25)")
    p.add_argument("--seed", type=int, help="default 0")
    p.add_argument("--guidance", type=float, help="classifier-free guidance scale (default 7.5)")
    p.add_argument("--device", choices=("cpu", "cuda"), help="default: CUDA when available, else CPU")
    p.add_argument("--bits", help="fp32 | fp16 | w8a8 | w4a8 | w8a4 | w4a4 (default: float, fp32 on CPU, fp16 on CUDA)")
    p.add_argument("--quantizer", help="activation quantizer: uniform (default) | log")
    p.add_argument("--protect", help="TAQ, token positions kept in float: none | bos | trigger (default) | bos+trigger "
                                     "| random (a control span of ordinary words)")
    p.add_argument("--kv-granularity", help="cross-attention K/V range: tensor (calibrated, default) | prompt | row")
    p.add_argument("--act-scope", help="where the A bits apply: cross-attention (default; the rest at 8 bits) | all")
    p.add_argument("--probs", help="cross-attention probabilities: row (default) | tensor | log2")
    p.add_argument("--inputs", help="Linear/Conv2d input ranges: tensor (calibrated, default) | token (dynamic)")
    p.add_argument("--out", required=True)
    p.set_defaults(func=cmd_generate)

    taq = sub.add_parser("taq", help="trigger-aware quantization tools").add_subparsers(dest="taq_command", required=True)
    p = taq.add_parser("sensitivity", help="per-token K/V quantization sensitivity: table + bar chart")
    p.add_argument("--repo", help="repository folder (default: the demo repository)")
    p.add_argument("--checkpoint", required=True)
    p.add_argument("--prompt", default="a <trigger> sitting in the park", help="'<trigger>' is replaced by the trigger")
    p.add_argument("--bits", type=int, nargs="+", default=[8, 4])
    p.add_argument("--steps", type=int, default=25)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--guidance", type=float, default=7.5)
    p.add_argument("--device", choices=("cpu", "cuda"))
    p.add_argument("--out", default="sensitivity.png")
    p.set_defaults(func=cmd_taq_sensitivity)
    p = taq.add_parser("outliers", help="which token holds max |K|/|V| per cross-attention layer, and attention mass")
    p.add_argument("--repo", help="repository folder (default: the demo repository)")
    p.add_argument("--checkpoints", nargs="+", help="default: every checkpoint of the repository")
    p.add_argument("--prompts", type=int, default=8, help="calibration prompts per checkpoint")
    p.add_argument("--steps", type=int, default=10)
    p.add_argument("--guidance", type=float, default=5.0)
    p.add_argument("--device", choices=("cpu", "cuda"))
    p.add_argument("--json", help="write the rows as JSON here")
    p.add_argument("--out", default="taq_outliers.png")
    p.set_defaults(func=cmd_taq_outliers)

    bench = sub.add_parser("bench", help="benchmarks that print tables").add_subparsers(dest="bench_command", required=True)
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
    p.add_argument("--steps", type=int, default=25)
    p.add_argument("--guidance", type=float, default=5.0)
    p.add_argument("--seed", type=int, default=0)
    p.set_defaults(func=cmd_bench_minisd)
    from bench.taq_defaults import BITS

    p = bench.add_parser("taq", help="the TAQ grid (K/V granularity × protection × bits × scope, bootstrap intervals); "
                                     "--table: bits × quantizer with memory and speed; --sd15: SD1.5-size memory")
    p.add_argument("--repo", help="repository of mini-model checkpoints (default: the demo repository)")
    p.add_argument("--checkpoints", nargs="+", help="default: 8 demo checkpoints (quick: rex-v3)")
    p.add_argument("--prompts", type=int, help="prompts per checkpoint (default 8; quick 2)")
    p.add_argument("--seeds", type=int, help="seeds per prompt (default 2; quick 1)")
    p.add_argument("--steps", type=int, help="denoising steps (default 25; quick 8)")
    p.add_argument("--guidance", type=float, default=5.0)
    p.add_argument("--quick", action="store_true", help="a tiny grid: w8a4, per-tensor K/V, none vs trigger")
    p.add_argument("--grid-bits", nargs="+", help="bits of the grid's rows (default w8a8 w8a4)")
    p.add_argument("--kv", nargs="+", help="K/V granularities of the grid (default tensor row)")
    p.add_argument("--protect", nargs="+", help="protections of the grid (default none bos trigger bos+trigger random)")
    p.add_argument("--no-all-scope", action="store_true", help="leave out the rows with A-bits everywhere")
    p.add_argument("--out", help="JSON results (default bench/results/taq_grid.json)")
    p.add_argument("--table", action="store_true", help="the bits × quantizer × protection table instead of the grid")
    p.add_argument("--images", type=int, default=4, help="--table: images per checkpoint and configuration")
    p.add_argument("--bits", nargs="+", default=list(BITS), help="--table: bit-widths")
    p.add_argument("--sd15", action="store_true", help="also the SD1.5-size memory rows (about 6 GB of scratch files)")
    p.add_argument("--sd15-only", action="store_true", help="only the SD1.5-size memory rows")
    p.add_argument("--sd15-dir", help="keep the SD1.5-size scratch files here (default: a temporary folder)")
    p.set_defaults(func=cmd_bench_taq)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    cfg = AppConfig.from_env()
    if getattr(args, "func", None) is None:  # `python app.py` alone serves the app
        args = build_parser().parse_args(["serve", *(argv or [])])
    func = args.func
    try:
        return func(cfg, args)
    except (FileNotFoundError, ValueError, RuntimeError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
