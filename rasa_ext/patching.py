"""Guarded patches: how each of rasa_ext's patches replaces an attribute of Rasa.

The patches (rasa_ext/__init__.py) were written against Rasa 3.6.21's code. A later Rasa may
rename a target or change what it takes, and an assignment to a renamed attribute only adds an
attribute nobody calls: the patch would do nothing and nobody would notice. So a patch checks,
before it replaces anything, that Rasa is the pinned version and that each of its targets is
there, of the same kind (function, staticmethod, classmethod), taking the same parameters; if
not, it raises `PatchError` and the Rasa process stops at start-up, saying which target changed.
"""

import inspect
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import rasa

# The Rasa the patches were written and measured for (requirements/rasa.in pins the same).
PINNED_RASA_VERSION = "3.6.21"


class PatchError(RuntimeError):
    """A patch's target in Rasa is not what the patch was written for."""


def _where(owner: Any, name: str) -> str:
    return f"{getattr(owner, '__name__', type(owner).__name__)}.{name}"


def _kind(attribute: Any) -> str:
    return type(attribute).__name__ if isinstance(attribute, staticmethod | classmethod) else ""


def target(owner: Any, name: str, parameters: Sequence[str]) -> Any:
    """`owner.name` as stored (a staticmethod or classmethod object as such), after checking
    that Rasa is the pinned version and that the target takes `parameters` (names, in order;
    a class: its constructor's without `self`)."""
    if rasa.__version__ != PINNED_RASA_VERSION:
        raise PatchError(
            f"rasa_ext's patches are written for Rasa {PINNED_RASA_VERSION}, not "
            f"{rasa.__version__}: check each against the new Rasa, then change "
            "PINNED_RASA_VERSION (rasa_ext/patching.py)"
        )
    where = _where(owner, name)
    try:
        found = inspect.getattr_static(owner, name)
    except AttributeError:
        raise PatchError(f"{where} is missing: Rasa renamed or removed a patch's target") from None
    function = found.__func__ if isinstance(found, staticmethod | classmethod) else found
    try:
        taken = tuple(inspect.signature(function).parameters)
    except (TypeError, ValueError):
        raise PatchError(f"{where} is not a function or class a patch can replace") from None
    if taken != tuple(parameters):
        raise PatchError(f"{where} takes {taken}; the patch was written for {tuple(parameters)}")
    return found


@dataclass(frozen=True)
class Replacement:
    owner: Any
    name: str
    parameters: tuple[str, ...]
    new: Any


def _installed(found: Any, new: Any) -> bool:
    if _kind(found) and _kind(found) == _kind(new):
        return bool(found.__func__ is new.__func__)
    return found is new


def replace(*replacements: Replacement) -> None:
    """Check every target, then replace them all: a patch is installed whole or not at all
    (and installing it again changes nothing)."""
    due = []
    for replacement in replacements:
        found = inspect.getattr_static(replacement.owner, replacement.name, None)
        if _installed(found, replacement.new):
            continue
        found = target(replacement.owner, replacement.name, replacement.parameters)
        if _kind(found) != _kind(replacement.new):
            raise PatchError(
                f"{_where(replacement.owner, replacement.name)} is a "
                f"{_kind(found) or 'plain attribute'}, "
                f"its replacement a {_kind(replacement.new) or 'plain attribute'}"
            )
        due.append(replacement)
    for replacement in due:
        setattr(replacement.owner, replacement.name, replacement.new)
