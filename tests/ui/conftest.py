"""One launched app for the UI tests: the demo repository (copied) and the bundled mini model, on a free port."""
from __future__ import annotations

import shutil
import socket
from types import SimpleNamespace

import pytest

from config import AppConfig
from minisd.demo_repo import DEMO_DIR
from wiring import build_services


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def running_app(tmp_path_factory, pytestconfig):
    """In process, or with `pytest --ray` the same app in front of Ray Serve deployments on a local cluster."""
    from ui.app import launch

    root = tmp_path_factory.mktemp("app")
    repo = shutil.copytree(DEMO_DIR, root / "repo", ignore=shutil.ignore_patterns("*.log"))
    cfg = AppConfig(home=root / "home", repo=repo, ray_num_cpus=2)
    cluster = None
    if pytestconfig.getoption("--ray"):
        from serve.ray_app import RayCluster

        cluster = RayCluster(cfg).start()
    services = build_services(cfg, repo, cluster=cluster)
    port = free_port()
    demo = launch(services, port=port, block=False)
    yield SimpleNamespace(url=f"http://127.0.0.1:{port}/", services=services, repo=repo, cfg=cfg)
    demo.close()
    if cluster is not None:
        cluster.stop()
