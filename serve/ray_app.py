"""`python app.py serve --ray`: the same web app in front of two Ray Serve deployments.

- **Generation**: one image at a time per replica (`max_ongoing_requests=1`: the pipeline's adapters
  are shared state). Its checkpoint loader is `@serve.multiplexed`, keyed by checkpoint id: loading
  makes the checkpoint ready in the replica's `Generator` (a LoRA over the shared quantized base, or
  a DreamBooth checkpoint's own quantized UNet from the on-disk cache). Ray Serve routes a request
  carrying `multiplexed_model_id` to a replica that already holds that checkpoint and unloads the
  least recently used one past `max_num_models_per_replica`.
- **Check-in**: CPU replicas without diffusion weights. Threads live in the configured checkpointer
  (SQLite file or Postgres), so any replica continues any conversation.

Routing, queueing and eviction are Ray Serve's; this module only declares the deployments and
wraps their handles in the two interfaces the web app already uses (`ui.services`).
"""
from __future__ import annotations

import asyncio
import time
from datetime import date
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import ray
from ray import serve
from ray.exceptions import RayTaskError

from config import ROOT, AppConfig

BASE_MODEL_ID = "@base"  # multiplexed id of "no checkpoint": Ray Serve needs a non-empty id
GENERATION_APP, CHECKIN_APP = "personalq-generation", "personalq-checkin"
CHECKIN_CPUS = 0.5  # a Check-in replica mostly waits on the embedder and the checkpointer


def _result(response: Any) -> Any:
    """A handle call's value; an exception raised in the replica is re-raised as itself (one line, no remote traceback)."""
    try:
        return response.result()
    except RayTaskError as err:
        if err.cause is not None:
            raise err.cause from None
        raise


class LoadedCheckpoint:
    """What the multiplexed loader returns: a checkpoint made ready in this replica's generator."""

    def __init__(self, generator: Any, checkpoint: Any, seconds: float):
        self.generator, self.checkpoint, self.seconds = generator, checkpoint, seconds

    def __del__(self) -> None:  # Ray Serve calls this when its LRU unloads the checkpoint
        if self.checkpoint is not None:
            self.generator.release(self.checkpoint)


def generation_deployment(models_per_replica: int):
    """The generation deployment class, its loader multiplexed over `models_per_replica` checkpoints."""

    @serve.deployment(max_ongoing_requests=1, ray_actor_options={"num_cpus": 1})
    class Generation:
        def __init__(self, cfg: AppConfig):
            from serve.generate import Generator
            from serve.pipeline import Device

            self.generator = Generator(cfg.base_model, Device.detect(), cfg.home, cfg.ray_replica_memory_mb)
            _ = self.generator.pipe  # text encoder, VAE, scheduler: loaded before the replica takes requests
            self._wanted: dict[str, tuple] = {}  # model id -> (checkpoint, settings) of the request loading it
            self.loads = 0

        @serve.multiplexed(max_num_models_per_replica=models_per_replica)
        async def checkpoint(self, model_id: str) -> LoadedCheckpoint:
            checkpoint, settings = self._wanted[model_id]
            start = time.perf_counter()
            await asyncio.to_thread(self.generator.activate, checkpoint, settings)
            self.loads += 1
            return LoadedCheckpoint(self.generator, checkpoint, time.perf_counter() - start)

        async def generate(self, prompt: str, checkpoint: Any, settings: Any) -> tuple[Any, dict]:
            """(image, where and how it was made); one at a time per replica."""
            model_id = checkpoint.id if checkpoint is not None else BASE_MODEL_ID
            self._wanted[model_id] = (checkpoint, settings)
            loads = self.loads
            loaded = await self.checkpoint(model_id)
            start = time.perf_counter()
            image = await asyncio.to_thread(self.generator.generate, prompt, loaded.checkpoint, settings)
            return image, {"replica": serve.get_replica_context().replica_tag, "checkpoint": model_id,
                           "loaded": self.loads > loads, "load_seconds": loaded.seconds if self.loads > loads else 0.0,
                           "generate_seconds": time.perf_counter() - start}

    return Generation


@serve.deployment(ray_actor_options={"num_cpus": CHECKIN_CPUS})
class CheckInDeployment:
    """Check-in over the repository; `user_config={"version": n}` rebuilds it after an upload (Ray calls `reconfigure`)."""

    def __init__(self, cfg: AppConfig, repo_dir: str):
        self.cfg, self.repo_dir, self.version, self.checkin = cfg, repo_dir, None, None

    def reconfigure(self, user_config: dict) -> None:
        from serve.draw import DrawNode
        from ui.public_files import PublicFiles
        from wiring import build_checkin, open_repository

        if user_config.get("version") != self.version or self.checkin is None:
            store = open_repository(self.cfg, self.repo_dir)
            # the same graph as the web app's: runs pause before `generate`, which the front end resumes
            draw = DrawNode(RayGenerator(serve.get_app_handle(GENERATION_APP), self.cfg), store,
                            PublicFiles(self.cfg.home).images)
            self.checkin = build_checkin(self.cfg, store, generate=draw)
            self.version = user_config.get("version")

    def ask(self, request: str, thread_id: str, now: date | None = None):
        return self.checkin.ask(request, thread_id, now)

    def reply(self, answer: str, thread_id: str):
        return self.checkin.reply(answer, thread_id)

    def pending(self, thread_id: str) -> bool:
        return self.checkin.pending(thread_id)

    def turn(self, thread_id: str):
        return self.checkin.turn(thread_id)

    def values(self, thread_id: str) -> dict:
        return dict(self.checkin.graph.get_state({"configurable": {"thread_id": thread_id}}).values)

    def replica(self) -> str:
        return serve.get_replica_context().replica_tag


def generation_app(cfg: AppConfig | dict | None = None):
    """The generation application; also a `serve run serve.ray_app:generation_app` builder (settings from env)."""
    cfg = cfg if isinstance(cfg, AppConfig) else AppConfig.from_env()
    return generation_deployment(cfg.ray_models_per_replica).options(
        num_replicas=cfg.ray_generation_replicas).bind(cfg)


def checkin_app(cfg: AppConfig | dict | None = None, repo_dir: str | None = None, version: int = 1):
    """The Check-in application; also a `serve run serve.ray_app:checkin_app` builder (settings from env)."""
    cfg = cfg if isinstance(cfg, AppConfig) else AppConfig.from_env()
    if repo_dir is None:
        from minisd.demo_repo import DEMO_DIR

        repo_dir = str(cfg.repo or DEMO_DIR)
    return CheckInDeployment.options(num_replicas=cfg.ray_checkin_replicas,
                                     user_config={"version": version}).bind(cfg, str(repo_dir))


class _RemoteGraph:
    """The one graph call the web app makes directly (`get_state(...).values`), answered by a replica."""

    def __init__(self, handle: Any):
        self.handle = handle

    def get_state(self, config: dict) -> SimpleNamespace:
        return SimpleNamespace(values=_result(self.handle.values.remote(config["configurable"]["thread_id"])))


class RayCheckIn:
    """`agent.checkin.CheckIn`'s interface, each call served by a Check-in replica."""

    def __init__(self, handle: Any):
        self.handle = handle
        self.graph = _RemoteGraph(handle)
        self.local: Any = None  # a CheckIn over the same shared threads that draws here (`drawing_with`)

    def drawing_with(self, local: Any) -> RayCheckIn:
        """Threads paused before `generate` are drawn by `local` (same graph, same checkpointer), so the
        generation progress streams to the web app; its images come from the generation deployment."""
        self.local = local
        return self

    def history(self, thread_id: str) -> list[Any]:
        return self.local.history(thread_id)

    def draw(self, thread_id: str, generation: dict[str, Any]):
        yield from self.local.draw(thread_id, generation)

    def ask(self, request: str, thread_id: str, now: date | None = None):
        return _result(self.handle.ask.remote(request, thread_id, now))

    def reply(self, answer: str, thread_id: str):
        return _result(self.handle.reply.remote(answer, thread_id))

    def pending(self, thread_id: str) -> bool:
        return _result(self.handle.pending.remote(thread_id))

    def turn(self, thread_id: str):
        return _result(self.handle.turn.remote(thread_id))


class RayGenerator:
    """`serve.generate.Generator`'s interface for the web app: images come from the generation deployment,
    routed by checkpoint id; the quantized-model cache on disk is read here for the repository tab."""

    def __init__(self, handle: Any, cfg: AppConfig):
        from serve.pipeline import Device, base_name
        from serve.quant_store import QuantStore

        self.handle = handle
        self.base_source = cfg.base_model  # as Generator's: the web app picks its default precision from it
        self.base = base_name(cfg.base_model)
        self.device = Device.detect()
        self.store = QuantStore(Path(cfg.home), cfg.base_model)
        self.last: dict | None = None  # where the latest image was made

    def generate(self, prompt: str, checkpoint: Any = None, settings: Any = None, progress: Any = None,
                 show_bar: bool = False):
        from serve.generate import Settings

        model_id = checkpoint.id if checkpoint is not None else BASE_MODEL_ID
        call = self.handle.options(multiplexed_model_id=model_id).generate
        image, self.last = _result(call.remote(prompt, checkpoint, settings or Settings()))
        return image


class RayCluster:
    """A Ray cluster joined (`RAY_ADDRESS`) or started here, Serve on it, and the two applications."""

    def __init__(self, cfg: AppConfig):
        self.cfg = cfg
        self.started_here = False
        self._checkin_version = 0
        self._repo_dir: str | None = None

    def start(self) -> RayCluster:
        runtime_env = {"env_vars": {"PYTHONPATH": str(ROOT), "ANONYMIZED_TELEMETRY": "False",
                                    "GRADIO_ANALYTICS_ENABLED": "False", "HF_HUB_OFFLINE": "1"}}
        if self.cfg.ray_address:
            ray.init(address=self.cfg.ray_address, runtime_env=runtime_env, logging_level="WARNING")
        else:
            ray.init(num_cpus=self.cfg.ray_num_cpus, include_dashboard=False, runtime_env=runtime_env,
                     logging_level="WARNING", log_to_driver=False)
            self.started_here = True
        serve.start(proxy_location="Disabled")  # the Gradio app is the front end; no Serve HTTP proxy
        return self

    def deploy_generation(self) -> RayGenerator:
        """The generation application; on a joined cluster, the one already running (e.g. from `serve run`)."""
        running = {} if self.started_here else serve.status().applications
        if GENERATION_APP in running:
            handle = serve.get_app_handle(GENERATION_APP)
        else:
            handle = serve.run(generation_app(self.cfg), name=GENERATION_APP, route_prefix=None)
        return RayGenerator(handle, self.cfg)

    def use_repository(self, repo_dir: str | Path) -> None:
        self._repo_dir = str(repo_dir)

    def redeploy_checkin(self) -> RayCheckIn:
        """Deploy Check-in, or roll a new repository version to its replicas (`reconfigure`, no restart);
        on a joined cluster, the first call uses the application already running."""
        if self._checkin_version == 0 and not self.started_here and CHECKIN_APP in serve.status().applications:
            self._checkin_version = 1
            return RayCheckIn(serve.get_app_handle(CHECKIN_APP))
        self._checkin_version += 1
        app = checkin_app(self.cfg, self._repo_dir, self._checkin_version)
        return RayCheckIn(serve.run(app, name=CHECKIN_APP, route_prefix=None))

    def stop(self) -> None:
        """Started here: Serve and the whole local cluster go. Joined: only our two applications are deleted."""
        if not ray.is_initialized():
            return
        try:
            if self.started_here:
                serve.shutdown()
            else:
                for name in (CHECKIN_APP, GENERATION_APP):
                    serve.delete(name)
        finally:
            ray.shutdown()
