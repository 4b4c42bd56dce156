"""PersonalQ command line: reads the configuration, wires the objects (wiring.py), runs a subcommand.

    python app.py [serve] [--port 7860]        the web app: chat, repository browser, judging
    python app.py serve --ray [--port 7860]    the same app in front of Ray Serve deployments (docs/scale-out.md)
    python app.py prepare                      make the embedded defaults (demo repository + index)
    python app.py repo check DIR               validate a repository folder
    python app.py repo index DIR               build or refresh its index
    python app.py repo search DIR "QUERY"      hybrid retrieval, for a look by hand
    python app.py repo synth --out DIR         write a synthetic repository
    python app.py repo import SRC --out DIR    import a folder of LoRAs / embeddings / checkpoints (kohya, A1111, ComfyUI)
    python app.py select --repo DIR "QUERY"    Check-in: one JSON line per query (docs/architecture.md)
    python app.py generate --repo DIR --checkpoint ID --prompt "..." [--bits w8a8] --out FILE.png
    python app.py taq sensitivity --checkpoint ID   per-token K/V sensitivity table + bar chart
    python app.py taq outliers [--checkpoints ID…]  which tokens hold max |K|/|V| and attention mass
    python app.py bench index|select|concurrency|minisd|taq|speed|scale|ray|all ...   benchmarks (bench/cli.py)
"""
from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import traceback
import uuid
from datetime import date
from pathlib import Path

os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")  # chromadb: no network
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

from config import AppConfig
from errors import ConfigError, InputError, RepositoryError, exit_status
from wiring import (
    build_checkin,
    build_generator,
    build_services,
    default_settings,
    demo_repo_dir,
    open_repository,
)


def cmd_prepare(cfg: AppConfig, args: argparse.Namespace) -> int:
    """Embedded defaults: check the bundled mini model and index the repository served."""
    from serve.pipeline import verify_manifest

    repo = demo_repo_dir(cfg)
    if not any(repo.glob("*.yaml")):
        raise RepositoryError(f"no checkpoint metadata in {repo}; set PERSONALQ_REPO to your repository, or "
                                "rebuild the demo with `python -m minisd.demo_repo`")
    if Path(cfg.base_model).is_dir():
        verify_manifest(Path(cfg.base_model))
        print(f"base model verified: {cfg.base_model}")
    store = open_repository(cfg, repo, progress=True)
    print(f"index ready: {store.index.count()} checkpoints from {repo} under {cfg.home}")
    return 0


def cmd_serve(cfg: AppConfig, args: argparse.Namespace) -> int:
    """The web app on 127.0.0.1 (chat, repository, judging); with --ray, in front of Ray Serve deployments."""
    from config import parse_auth
    from ui.app import LOCAL_HOSTS, launch

    auth = parse_auth(cfg.auth)
    if args.host not in LOCAL_HOSTS and not auth:  # before anything is loaded
        raise ConfigError(f"serving on {args.host} needs a login: set PERSONALQ_AUTH=user:password "
                          "(uploads and judging results are otherwise open to the network)")
    if getattr(args, "ray", False):
        return _serve_on_ray(cfg, args, auth)
    services = build_services(cfg, demo_repo_dir(cfg), progress=True)
    print(f"PersonalQ: http://{args.host}:{args.port}  ({len(services.repository.checkpoints)} checkpoints from "
          f"{services.repository.loaded.root}, {services.generator.device.name})", file=sys.stderr)
    launch(services, host=args.host, port=args.port, auth=auth)
    return 0


def _serve_on_ray(cfg: AppConfig, args: argparse.Namespace, auth: list | None) -> int:
    """Start (or join) Ray, deploy, serve the same app; SIGTERM or Ctrl-C shuts Serve and the local cluster down."""
    import signal

    from serve.ray_app import RayCluster
    from ui.app import launch

    def interrupt(signum, frame):
        raise KeyboardInterrupt  # Gradio closes its server on it; the finally below stops Ray

    cluster = RayCluster(cfg)
    try:
        cluster.start()
        signal.signal(signal.SIGTERM, interrupt)
        services = build_services(cfg, demo_repo_dir(cfg), progress=True, cluster=cluster)
        where = "a local Ray cluster" if cluster.started_here else f"the Ray cluster at {cfg.ray_address}"
        print(f"PersonalQ on Ray: http://{args.host}:{args.port}  ({len(services.repository.checkpoints)} checkpoints; "
              f"{cfg.ray_checkin_replicas} Check-in and {cfg.ray_generation_replicas} generation replicas on {where})",
              file=sys.stderr, flush=True)
        launch(services, host=args.host, port=args.port, auth=auth)
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        cluster.stop()
    return 0


def cmd_repo_check(cfg: AppConfig, args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    from repo_store import load_repository

    loaded = load_repository(args.dir)
    table = Table(title=f"{loaded.root}: {len(loaded.checkpoints)} loaded, {len(loaded.refused)} refused")
    for column in ("status", "file", "id / reason"):
        table.add_column(column, overflow="fold")
    root = Path(loaded.root)
    for ckpt in loaded.checkpoints.values():
        table.add_row("ok", escape(str(Path(ckpt.source).relative_to(root))), ckpt.id)
    for warning in loaded.warnings:
        table.add_row("[yellow]warning[/]", escape(warning.file), escape(warning.reason))  # text, not markup
    for refusal in loaded.refused:
        table.add_row("[red]refused[/]", escape(refusal.file), escape(refusal.reason))
    Console(width=max(120, Console().width)).print(table)
    return 0 if loaded.ok else 1


def cmd_repo_index(cfg: AppConfig, args: argparse.Namespace) -> int:
    store = open_repository(cfg, args.dir, progress=True)
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
    store = open_repository(cfg, args.dir)
    for hit in store.retrieve(args.query, k=args.k, where=where):
        dense = f"{hit.dense:.3f}" if hit.dense is not None else "  -  "
        lexical = f"{hit.lexical:.2f}" if hit.lexical is not None else "  -  "
        print(f"{hit.fused:.4f}  dense {dense}  bm25 {lexical}  {hit.checkpoint_id:28s} {hit.checkpoint.name}")
    return 0


def cmd_repo_import(cfg: AppConfig, args: argparse.Namespace) -> int:
    """Import a folder of kohya / A1111 / ComfyUI checkpoints into a repository folder, then index it."""
    from rich.console import Console

    from importer import ImportOptions, import_folder
    from importer.report import rich_table, summary

    draw = None
    if not args.no_draw:
        from importer.thumbnails import generator_drawer

        draw = generator_drawer(build_generator(cfg))
    report = import_folder(args.src, args.out, cfg.base_model, ImportOptions(args.weights, args.steps), draw=draw)
    Console(width=max(140, Console().width)).print(rich_table(report))
    print(summary(report))
    if not args.no_index:
        store = open_repository(cfg, args.out)
        r = store.last_sync
        print(f"index: {store.index.count()} checkpoints ({len(r.added)} added, {len(r.updated)} updated, "
              f"{r.unchanged} unchanged) in {r.seconds:.1f}s")
    return 0


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
        checkin = build_checkin(cfg, open_repository(cfg, args.repo, report_refused=True))
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
    from serve.generate import check_image_path

    out = check_image_path(args.out)  # before minutes of generation, not after

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
    settings = default_settings(cfg, steps=args.steps, seed=args.seed, guidance=args.guidance, bits=args.bits,
                                quantizer=args.quantizer, protect=args.protect, kv_granularity=args.kv_granularity,
                                act_scope=args.act_scope, probs=args.probs, inputs=args.inputs, kernels=args.kernels,
                                timestep_groups=args.timestep_groups,
                                self_attention=args.self_attention)
    generator = build_generator(cfg, args.device, args.bits)
    image = generator.generate(args.prompt, checkpoint, settings, show_bar=True)
    image.save(out)
    dtype = str(generator.device.dtype).removeprefix("torch.")
    precision = f"{settings.taq.name}, {generator.kernels_used}, {dtype}" if settings.taq else dtype
    calibrated = f", calibrated in {generator.calibration_seconds:.1f}s" if generator.calibration_seconds else ""
    print(f"wrote {args.out} ({image.width}×{image.height}, {generator.device.name}, {precision}{calibrated}, "
          f"{checkpoint.id if checkpoint else 'base model'})", file=sys.stderr)
    return 0


def _find_checkpoint(cfg: AppConfig, repo_arg: str | None, checkpoint_id: str):
    """The checkpoint `checkpoint_id` of a repository, or an InputError that says what exists."""
    from repo_store.loader import load_repository

    repo = Path(repo_arg) if repo_arg else demo_repo_dir(cfg)
    loaded = load_repository(repo)
    if checkpoint_id not in loaded.checkpoints:
        known = ", ".join(sorted(loaded.checkpoints)[:8])
        raise InputError(f"no checkpoint {checkpoint_id!r} in {repo}; known ids include {known}")
    return loaded.checkpoints[checkpoint_id]


def cmd_taq_sensitivity(cfg: AppConfig, args: argparse.Namespace) -> int:
    """Per-token K/V quantization sensitivity (the paper's Figure 2): a table and a bar chart."""
    from rich.console import Console
    from rich.table import Table

    from quant.sensitivity import bar_chart, token_sensitivity

    checkpoint = _find_checkpoint(cfg, args.repo, args.checkpoint)
    prompt = args.prompt.replace("<trigger>", checkpoint.trigger)
    generator = build_generator(cfg, args.device)
    pipe = generator.activate(checkpoint, default_settings(cfg))
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
    from serve.generate import Settings

    repo = Path(args.repo) if args.repo else demo_repo_dir(cfg)
    known = load_repository(repo).checkpoints
    ids = args.checkpoints or sorted(known)
    missing = [i for i in ids if i not in known]
    if missing:
        raise ValueError(f"no checkpoint {missing[0]!r} in {repo}")
    generator = build_generator(cfg, args.device)
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


def cmd_bench(cfg: AppConfig, args: argparse.Namespace) -> int:
    """`app.py bench ...` runs `python -m bench ...` in a child process: the product never imports bench/."""
    root = Path(__file__).resolve().parent
    return subprocess.call([sys.executable, "-m", "bench", *args.bench_args], cwd=root)


def build_parser(cfg: AppConfig = AppConfig()) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="app.py", description="PersonalQ: select, quantize and serve personalized diffusion models")
    sub = parser.add_subparsers(dest="command")
    p = sub.add_parser("serve", help="launch the web app (default)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=7860)
    p.add_argument("--ray", action="store_true", help="Check-in and generation as Ray Serve deployments (RAY_ADDRESS "
                   "joins a cluster; unset starts a local one)")
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
    p = repo.add_parser("import", help="import a folder of LoRAs, embeddings and checkpoints (kohya, A1111, ComfyUI)")
    p.add_argument("src", help="the folder to read (never written), e.g. stable-diffusion-webui/models/Lora")
    p.add_argument("--out", required=True, help="the repository folder to write (created if missing)")
    p.add_argument("--weights", choices=("link", "copy"), default="link",
                   help="link: hard links (copies across file systems, default) | copy")
    p.add_argument("--steps", type=int, default=12, help="denoising steps of a drawn thumbnail (default 12)")
    p.add_argument("--no-draw", action="store_true", help="no thumbnail when there is no preview image")
    p.add_argument("--no-index", action="store_true", help="do not update the index under $PERSONALQ_HOME")
    p.set_defaults(func=cmd_repo_import)

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
    p.add_argument("--steps", type=int, help=f"denoising steps (default {cfg.steps}, PERSONALQ_STEPS)")
    p.add_argument("--seed", type=int, help="default 0")
    p.add_argument("--guidance", type=float,
                   help=f"classifier-free guidance scale (default {cfg.guidance}, PERSONALQ_GUIDANCE)")
    p.add_argument("--device", choices=("cpu", "cuda"), help="default: CUDA when available, else CPU")
    p.add_argument("--bits", help="fp32 | fp16 | bf16 | w8 | w4 | w8a8 | w4a8 | w8a4 | w4a4 (default: float: bf16 on CPUs "
                                  "with native bf16, else fp32; fp16 on CUDA)")
    p.add_argument("--kernels", choices=("int", "fake"),
                   help="W8A8 layers: int (default, integer kernels where the device has them) | fake (fake-quant, "
                        "for accuracy studies)")
    p.add_argument("--quantizer", help="activation quantizer: uniform (default) | log")
    p.add_argument("--protect", help="TAQ, token positions kept in float: none | bos | trigger (default) | bos+trigger "
                                     "| random (a control span of ordinary words)")
    p.add_argument("--kv-granularity", help="cross-attention K/V range: tensor (calibrated, default) | prompt | row")
    p.add_argument("--act-scope", help="where the A bits apply: cross-attention (default; the rest at 8 bits) | all")
    p.add_argument("--probs", help="cross-attention probabilities: row (default) | tensor | log2")
    p.add_argument("--inputs", help="Linear/Conv2d input ranges: tensor (calibrated, default) | token (dynamic)")
    p.add_argument("--timestep-groups", type=int, help="calibrated activation ranges per group of timesteps "
                                                       "(TFMQ-DM): 1 (default, one range for every step) to 1000")
    p.add_argument("--self-attention", choices=("float", "quantized"),
                   help="self-attention's Q, K, V and A: float (default, fused attention) | quantized (8-bit, as in "
                        "the TAQ studies)")
    p.add_argument("--out", required=True)
    p.set_defaults(func=cmd_generate)

    taq = sub.add_parser("taq", help="trigger-aware quantization tools").add_subparsers(dest="taq_command", required=True)
    p = taq.add_parser("sensitivity", help="per-token K/V quantization sensitivity: table + bar chart")
    p.add_argument("--repo", help="repository folder (default: the demo repository)")
    p.add_argument("--checkpoint", required=True)
    p.add_argument("--prompt", default="a <trigger> sitting in the park", help="'<trigger>' is replaced by the trigger")
    p.add_argument("--bits", type=int, nargs="+", default=[8, 4])
    p.add_argument("--steps", type=int, default=cfg.steps)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--guidance", type=float, default=cfg.guidance)
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

    p = sub.add_parser("bench", help="benchmarks that print tables (python -m bench --help)", add_help=False)
    p.add_argument("bench_args", nargs=argparse.REMAINDER)
    p.set_defaults(func=cmd_bench)
    return parser


def run(argv: list[str] | None) -> int:
    from serve.quiet import silence_known_warnings

    cfg = AppConfig.from_env()
    silence_known_warnings()
    parser = build_parser(cfg)
    args = parser.parse_args(argv)
    if getattr(args, "func", None) is None:  # `python app.py` alone serves the app
        args = parser.parse_args(["serve", *(argv or [])])
    return args.func(cfg, args)


def main(argv: list[str] | None = None) -> int:
    """Run one subcommand. A PersonalQError (a problem the user can fix) prints one line and exits 2;
    anything else is a bug and propagates with its traceback (exit 1)."""
    return exit_status(lambda: run(argv))


if __name__ == "__main__":
    sys.exit(main())
