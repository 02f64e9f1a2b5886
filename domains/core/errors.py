"""Typed errors every demo raises. Pages and the CLI show `str(err)` (and `err.hint`), never a traceback."""
from __future__ import annotations


class GalleryError(Exception):
    """Base class: a message fit to show a user as it is, plus an optional hint."""

    retry = False  # True: the same request may work in a moment (the page offers Try again)

    def __init__(self, message: str, hint: str = ""):
        super().__init__(message)
        self.hint = hint


class InputError(GalleryError):
    """The input cannot be used (empty, corrupt, too large, wrong kind)."""


class ModelUnavailable(GalleryError):
    """A model's source cannot be had here: hub unreachable, package missing, bad weights."""

    def __init__(self, message: str, hint: str = "", alternative: str | None = None):
        super().__init__(message, hint)
        self.alternative = alternative  # id of a model of the same demo that works offline
        self.instead: str | None = None  # id of another demo that works offline, for a hub-only one


class Busy(GalleryError):
    """The model is serving other people's requests and this one waited past the limit: try again."""

    retry = True


class UnknownDemo(GalleryError):
    """No demo with that id."""
