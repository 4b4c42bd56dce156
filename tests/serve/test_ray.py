"""`serve --ray` on a real local Ray cluster (2 CPUs): the same API, multiplexed routing, a clean SIGTERM.

Slow (a cluster start is tens of seconds on a busy 2-core machine): `pytest -m "not slow"` leaves them out."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import psutil
import pytest

pytest.importorskip("ray", reason="ray[serve] is not installed")
pytestmark = pytest.mark.slow

from minisd.demo_repo import DEMO_DIR  # noqa: E402
from tests.conftest import ROOT  # noqa: E402
from tests.servers import _wait_for_port, free_port  # noqa: E402


def _texts(history):
    return [part["text"] for message in history for part in message["content"] if part["type"] == "text"]


def test_serve_ray_answers_the_same_api_and_sigterm_leaves_no_process(tmp_path):
    from gradio_client import Client
    from PIL import Image

    port = free_port()
    env = {**os.environ, "PERSONALQ_HOME": str(tmp_path / "home"), "PERSONALQ_REPO": str(DEMO_DIR),
           "PERSONALQ_RAY_NUM_CPUS": "2", "PERSONALQ_RAY_CHECKIN_REPLICAS": "2", "HF_HUB_OFFLINE": "1"}
    env.pop("RAY_ADDRESS", None)
    log = open(tmp_path / "serve.log", "w")
    proc = subprocess.Popen([sys.executable, "app.py", "serve", "--ray", "--port", str(port)], cwd=ROOT, env=env,
                            stdout=log, stderr=subprocess.STDOUT)
    try:
        assert _wait_for_port(port, 400, proc), (tmp_path / "serve.log").read_text()[-2000:]
        family = psutil.Process(proc.pid).children(recursive=True)
        names = " ".join(p.name() for p in family)
        assert "raylet" in names and "gcs_server" in names
        assert names.count("ServeReplica:personalq-checkin") == 2 and "ServeReplica:personalq-generation" in names

        client = Client(f"http://127.0.0.1:{port}/", verbose=False)
        session = {"key": "a1" * 16}  # the browser's key; the app derives the thread id from it
        _, history, gallery, session = client.predict("paint my dog on the beach", [], session, api_name="/send")
        assert _texts(history)[-1].startswith("Do you mean Biscuit the dog or Rex the dog?")
        _, history, _, session = client.predict("Rex", history, session, api_name="/send")
        assert "Selected **Rex** (`rex-v3`)." in _texts(history)
        history, _, original = client.predict(history, "float", True, 2, 0, 5.0, api_name="/generate")
        original = (original.get("path") or original.get("value")) if isinstance(original, dict) else original
        with Image.open(original) as png:  # drawn by the generation replica through the graph's generate node
            assert png.size == (64, 64)
        assert _texts(history)[-1] == "Rex · full precision · 2 steps · seed 0"
        _, history, _, _ = client.predict("   ", [], {"key": "b2" * 16}, api_name="/send")
        assert _texts(history)[-1].startswith("The request is empty")  # the replica's error, one line

        proc.send_signal(signal.SIGTERM)
        assert proc.wait(180) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        left = [p for p in family if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
        if not left:
            break
        time.sleep(1)
    assert not left, [p.name() for p in left]


@pytest.fixture(scope="module")
def local_ray():
    import ray
    from ray import serve

    ray.init(num_cpus=2, include_dashboard=False, logging_level="WARNING", log_to_driver=False,
             runtime_env={"env_vars": {"PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1"}})
    serve.start(proxy_location="Disabled")
    yield
    serve.shutdown()
    ray.shutdown()


def test_multiplexed_requests_stay_on_the_replica_that_loaded_the_checkpoint(local_ray, tmp_path):
    from ray import serve

    from config import AppConfig
    from repo_store import load_repository
    from serve.generate import Settings
    from serve.ray_app import _result, generation_deployment

    records = load_repository(DEMO_DIR).checkpoints
    checkpoints = [records["rex-v3"], records["biscuit-v2"], records["mochi-v1"]]  # LoRA, DreamBooth, LoRA
    cfg = AppConfig(home=tmp_path / "home", ray_replica_memory_mb=512)
    # room for all three on either replica: Ray places a new model id on a replica of its choosing (both may
    # get the same one), so only "loaded once, then routed to the replica holding it" is guaranteed
    app = generation_deployment(3).options(num_replicas=2, ray_actor_options={"num_cpus": 0.5}).bind(cfg)
    handle = serve.run(app, name="test-generation", route_prefix=None)
    served: dict[str, set[str]] = {}
    loads = 0
    for n, checkpoint in enumerate(checkpoints * 3):
        if n == len(checkpoints):  # replicas tell the router what they hold asynchronously (as Ray's own tests do,
            _wait_until_router_knows(handle, {c.id for c in checkpoints})  # wait until it has heard)
        image, info = _result(handle.options(multiplexed_model_id=checkpoint.id).generate.remote(
            "a photo", checkpoint, Settings(steps=1, guidance=1.0)))
        assert image.size == (64, 64) and info["checkpoint"] == checkpoint.id
        served.setdefault(checkpoint.id, set()).add(info["replica"])
        loads += info["loaded"]
    assert loads == 3  # each checkpoint loaded once; 6 of 9 requests found theirs loaded
    assert all(len(replicas) == 1 for replicas in served.values())
    serve.delete("test-generation")


def _wait_until_router_knows(handle, model_ids: set[str], timeout: float = 60.0) -> None:
    """Until the handle's request router lists a replica holding each model id: the one private field Ray's own
    multiplexing tests read (`_router._asyncio_router._request_router`, Ray 2.60, pinned)."""
    if not handle.is_initialized:
        handle._init()
    router = handle._router._asyncio_router._request_router
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        held = set().union(*(r.multiplexed_model_ids for r in router.curr_replicas.values()))
        if model_ids <= held:
            return
        time.sleep(0.2)
    raise AssertionError(f"the router never heard that {sorted(model_ids - held)} were loaded")
