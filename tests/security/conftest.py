"""Hostile repositories built in temp folders, and one app served on a free port over a copy of the demo."""
from __future__ import annotations

import shutil
from types import SimpleNamespace

import pytest

from app import build_services
from config import AppConfig
from minisd.demo_repo import DEMO_DIR
from tests.agent.conftest import repo_dir, repository  # noqa: F401 - Check-in over a small repository
from tests.ui.conftest import free_port


def make_safetensors(path, tensors: int = 2, floats: int = 64) -> bytes:
    """A small valid safetensors file; returns its bytes."""
    import torch
    from safetensors.torch import save_file

    save_file({f"t{i}": torch.ones(floats) for i in range(tensors)}, str(path))
    return path.read_bytes()


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """The app over a copy of the demo repository with one thumbnail missing and one unreadable."""
    from ui.app import launch

    root = tmp_path_factory.mktemp("served")
    repo = shutil.copytree(DEMO_DIR, root / "repo", ignore=shutil.ignore_patterns("*.log"))
    (repo / "biscuit-v1.png").unlink()  # a checkpoint whose thumbnail file is gone
    (repo / "biscuit-v2.png").unlink()
    (repo / "rex-v3.png").write_bytes(b"not an image at all")  # and one that is unreadable
    cfg = AppConfig(home=root / "home", repo=repo, max_upload_mb=1)
    services = build_services(cfg, repo)
    port = free_port()
    demo = launch(services, port=port, block=False)
    yield SimpleNamespace(url=f"http://127.0.0.1:{port}/", services=services, repo=repo, cfg=cfg, home=root / "home")
    demo.close()
