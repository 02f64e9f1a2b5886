"""Hugging Face hub access: decide online/offline once, before any HF library is imported,
and fetch pinned snapshots into the standard HF cache with progress."""
from __future__ import annotations

import os
import socket
import sys
import threading
from urllib.parse import urlparse

from .errors import ModelUnavailable
from .i18n import _

_TRUE = ("1", "true", "yes", "on")
_state: dict[str, bool] = {}
_lock = threading.Lock()

# Formats the gallery never loads: everything but safetensors (preferred) and torch .bin.
_IGNORE = ["*.h5", "*.msgpack", "*.ot", "*.onnx", "*.onnx_data", "*.tflite", "*.gguf", "*.mlmodel",
           "onnx/*", "openvino/*", "coreml/*", "tf_model*", "flax_model*", "rust_model*", "*.pt", "*.pth"]


def online() -> bool:
    """True when a hub is reachable. Sets HF_HUB_OFFLINE=1 otherwise, before HF libraries read it."""
    with _lock:
        if "online" not in _state:
            if os.environ.get("HF_HUB_OFFLINE", "").lower() in _TRUE:
                _state["online"] = False
            else:
                _state["online"] = _reachable(os.environ.get("HF_ENDPOINT", "https://huggingface.co"))
                if not _state["online"]:
                    os.environ["HF_HUB_OFFLINE"] = "1"
                    if "huggingface_hub" in sys.modules:  # imported by someone else first: tell it too
                        import huggingface_hub.constants as c
                        c.HF_HUB_OFFLINE = True
        return _state["online"]


def _reachable(endpoint: str, timeout: float = 2.0) -> bool:
    url = urlparse(endpoint)
    try:
        socket.create_connection((url.hostname, url.port or (443 if url.scheme == "https" else 80)),
                                 timeout=timeout).close()
        return True
    except OSError:
        return False


def _tqdm_class(progress, label):
    """A tqdm that forwards its fraction to our progress callback."""
    from huggingface_hub.utils import tqdm as hf_tqdm

    class Forward(hf_tqdm):
        def update(self, n=1):
            out = super().update(n)
            if progress and self.total:
                progress(min(self.n / self.total, 1.0), _("Downloading {label}").format(label=label))
            return out

    return Forward


def cached(repo_id: str, revision: str | None) -> bool:
    """True when the model is already in the local Hugging Face cache (so it runs with no hub)."""
    from huggingface_hub import snapshot_download
    try:
        snapshot_download(repo_id, revision=revision, local_files_only=True)
        return True
    except Exception:  # not there, or an unusable entry: either way it cannot run from the cache
        return False


def snapshot(repo_id: str, revision: str | None, progress=None) -> str:
    """Local folder of `repo_id` at `revision`: from the HF cache, downloading it when a hub is reachable."""
    is_online = online()
    from huggingface_hub import HfApi, snapshot_download
    from huggingface_hub.errors import (GatedRepoError, LocalEntryNotFoundError, RepositoryNotFoundError,
                                        RevisionNotFoundError)
    label = f"{repo_id}@{(revision or 'main')[:7]}"
    try:
        ignore = list(_IGNORE)
        if is_online:
            files = HfApi().list_repo_files(repo_id, revision=revision)
            if any(f.endswith(".safetensors") for f in files):
                ignore.append("*.bin")  # safetensors preferred: never fetch both
        if progress:
            progress(None, (_("Looking up {label} in the model cache") if is_online
                            else _("Looking up {label} in the model cache (offline)")).format(label=label))
        return snapshot_download(repo_id, revision=revision, ignore_patterns=ignore,
                                 tqdm_class=_tqdm_class(progress, label), local_files_only=not is_online)
    except LocalEntryNotFoundError:
        raise ModelUnavailable(
            _("{repo_id} is not in the local model cache, and no model hub is reachable from here.").format(repo_id=repo_id),
            hint=_("Connect to the internet once to download it.")) from None
    except GatedRepoError:
        raise ModelUnavailable(_("{repo_id} is gated: accept its license on the hub and log in first.").format(repo_id=repo_id)) from None
    except RepositoryNotFoundError:
        raise ModelUnavailable(_("No model '{repo_id}' on the hub (or it is private).").format(repo_id=repo_id)) from None
    except RevisionNotFoundError:
        raise ModelUnavailable(_("{repo_id} has no revision '{revision}'.").format(repo_id=repo_id, revision=revision)) from None
    except Exception as e:  # network errors (httpx's are not OSError), disk full, bad cache entry
        raise ModelUnavailable(_("Could not fetch {repo_id}: {error}").format(repo_id=repo_id, error=e).splitlines()[0]) from None
