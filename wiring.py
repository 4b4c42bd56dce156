"""Wiring: the configuration turned into the objects the CLI, the web app and the benchmarks use.

    store = open_repository(cfg, repo_dir)        # YAML folder + chroma/BM25 index under cfg.home
    checkin = build_checkin(cfg, store)           # the Check-in graph over it, durable threads (SQLite or Postgres)
    generator = build_generator(cfg)              # the shared diffusion pipeline, TAQ on request
    services = build_services(cfg, repo_dir)      # all of the above (and votes, judging pairs) for the web app

Nothing here holds state: every call builds new objects from `cfg`.
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from config import AppConfig


def demo_repo_dir(cfg: AppConfig) -> Path:
    """The repository served: `cfg.repo`, else the bundled demo repository."""
    from minisd.demo_repo import DEMO_DIR

    return cfg.repo if cfg.repo is not None else DEMO_DIR


def open_repository(cfg: AppConfig, repo_dir: str | Path, progress: bool = False, report_refused: bool = False):
    """The repository folder, validated and indexed under `cfg.home`; refused files to stderr on request."""
    from repo_store import Repository, load_embedder, open_client

    store = Repository.open(str(repo_dir), cfg.home, load_embedder(cfg.embed_model), progress=progress,
                            client=open_client(cfg.home, cfg.chroma_url))
    if report_refused:
        for refusal in store.loaded.refused:
            print(f"skipped {refusal.file}: {refusal.reason}", file=sys.stderr)
    return store


def _reranker(cfg: AppConfig) -> Any:
    from agent.llm import LLMReranker, make_gemini

    return LLMReranker(make_gemini(cfg.google_api_key)) if cfg.google_api_key else None


def _extractor(cfg: AppConfig) -> Any:
    from agent.llm import LLMExtractor, make_gemini

    return LLMExtractor(make_gemini(cfg.google_api_key)) if cfg.google_api_key else None


def build_checkin(cfg: AppConfig, store, threads_file: str = "threads.sqlite", vocab=None, generate=None):
    """Check-in over `store`: durable threads (Postgres when `cfg.database_url` is set, else SQLite in `cfg.home`),
    with a Gemini key the LLM's constraint extraction (checked against the repository) and reranker. With
    `generate` (a `serve.draw.DrawNode`), the graph ends in it and pauses before it, as the web app's graph does
    (`CheckIn.draw` resumes it)."""
    from agent.checkin import CheckIn, thread_checkpointer
    from agent.graph import build_graph

    checkpointer = thread_checkpointer(cfg.home, cfg.database_url, threads_file)
    return CheckIn(build_graph(checkpointer, store, vocab, reranker=_reranker(cfg), generate=generate,
                               draw_on_demand=generate is not None, extractor=_extractor(cfg)))


def build_generator(cfg: AppConfig, device: str | None = None, bits: str | None = None):
    """The image generator for `cfg.base_model` (CUDA when available unless `device` says otherwise)."""
    from serve.generate import Generator
    from serve.pipeline import Device

    return Generator(cfg.base_model, Device.detect(device, bits), cfg.home, cfg.memory_budget_mb,
                     allow_hub=not cfg.hub_offline)


def default_settings(cfg: AppConfig, **given):
    """Generation settings: the configured steps and guidance, overridden by the values `given` (None = default)."""
    from serve.generate import Settings

    chosen = {"steps": cfg.steps, "guidance": cfg.guidance} | {k: v for k, v in given.items() if v is not None}
    return Settings(**chosen)


def build_services(cfg: AppConfig, repo_dir: str | Path, progress: bool = False, cluster: Any = None):
    """Everything the web app needs, built from the configuration (no globals).

    With `cluster` (a started `serve.ray_app.RayCluster`), Check-in and generation are its deployments."""
    import secrets

    from agent.checkin import CheckIn, thread_checkpointer
    from agent.graph import build_graph
    from evaluation.selectors import CheckinSelector, DenseSelector, RandomSelector
    from judging.pairs import SelectionPairs
    from judging.votes import VoteStore
    from serve.draw import DrawNode
    from serve.quiet import silence_known_warnings
    from ui.public_files import PublicFiles
    from ui.services import Services

    silence_known_warnings()
    store = open_repository(cfg, repo_dir, progress=progress, report_refused=True)
    checkpointer = thread_checkpointer(cfg.home, cfg.database_url)
    reranker = _reranker(cfg)
    extractor = _extractor(cfg)
    if cluster is not None:
        cluster.use_repository(repo_dir)
        generator = cluster.deploy_generation()
    else:
        generator = build_generator(cfg)
    public = PublicFiles(cfg.home)  # the only folder the page is served from; drawn images go there

    def checkin_over(repository):  # the chat's graph ends in the generate node, resumed by CheckIn.draw
        draw = DrawNode(generator, repository, public.images)
        local = CheckIn(build_graph(checkpointer, repository, reranker=reranker, generate=draw, draw_on_demand=True,
                                     extractor=extractor))
        if cluster is None:
            return local
        # Ray: replicas answer requests (they re-read the folder; the index is already synced here); the
        # thread they leave paused before `generate` is drawn here, over the same shared checkpointer.
        return cluster.redeploy_checkin().drawing_with(local)

    def selection_pairs(services):  # judged on REPO-PROMPTS requests, baselines as in the paper's Table 2
        from agent.vocab import Vocabulary

        repository = services.repository
        vocab = Vocabulary.build(repository.checkpoints, repository.index.embedder)
        # the judge's own Check-in runs (simulated user) keep their threads apart from the visitors' threads.sqlite
        checkin = build_checkin(cfg, repository, "judge_threads.sqlite", vocab)
        return SelectionPairs(repository.checkpoints, CheckinSelector(checkin),
                              [RandomSelector(repository, vocab), DenseSelector(repository),
                               CheckinSelector(checkin, clarify=False)])

    secret_file = Path(cfg.home) / "browser_secret"
    if not secret_file.is_file():
        secret_file.parent.mkdir(parents=True, exist_ok=True)
        secret_file.write_text(secrets.token_urlsafe(24))
    return Services(repository=store, checkin=checkin_over(store), generator=generator, settings=default_settings(cfg),
                    votes=VoteStore.open(cfg.home, cfg.database_url), home=Path(cfg.home),
                    build_checkin=checkin_over, build_selection_pairs=selection_pairs,
                    browser_secret=secret_file.read_text().strip(), max_upload_mb=cfg.max_upload_mb, public=public)
