"""Bind a Check-in thread to one browser: the thread id is an HMAC of a per-browser key.

The browser keeps only a random key (in `gr.BrowserState`, encrypted with the server's secret);
the LangGraph thread id is derived from it with the server's secret (`hmac`, SHA-256). A thread
id read from anywhere is therefore not a credential: sending it back selects nothing, and a
conversation can only be continued by the browser that holds its key.
"""
from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from typing import Any

_KEY = re.compile(r"^[0-9a-f]{32}$")


def new_session() -> dict[str, str]:
    return {"key": secrets.token_hex(16)}


def checked_session(session: Any) -> dict[str, str]:
    """The browser's session if it carries a well-formed key; a fresh one otherwise."""
    if isinstance(session, dict) and isinstance(session.get("key"), str) and _KEY.match(session["key"]):
        return {"key": session["key"]}
    return new_session()


def thread_id(server_secret: str, session: dict[str, str]) -> str:
    """The LangGraph thread of this browser's current conversation."""
    digest = hmac.new(server_secret.encode(), session["key"].encode(), hashlib.sha256).hexdigest()
    return f"web-{digest[:40]}"
