"""Look up Rasa's event classes by their type name once, not once per event.

Rasa 3.6 turns every stored event back into an object through `Event.resolve_by_type`, which
walks the whole `Event` class tree (`all_subclasses`, with an `inspect.isabstract` check per
class) for each event. A turn reads the session's events from the tracker store and parses the
action server's events, so under load this walk was about a sixth of Rasa's busy time (py-spy).
The classes are all imported once the server runs, so a found class is remembered; a name not
found yet still goes through Rasa's own lookup, which keeps its fallbacks and its error.
"""

from typing import Any

from rasa.shared.core.events import Event

from rasa_ext.patching import Replacement, replace

_rasa_resolve_by_type = Event.resolve_by_type
_found: dict[str, type[Event]] = {}


def resolve_by_type(type_name: str, default: Any = None) -> type[Event] | None:
    found = _found.get(type_name)
    if found is not None:
        return found
    resolved = _rasa_resolve_by_type(type_name, default)
    if resolved is not None and resolved is not default:
        _found[type_name] = resolved
    return resolved


def install() -> None:
    replace(
        Replacement(
            Event, "resolve_by_type", ("type_name", "default"), staticmethod(resolve_by_type)
        )
    )
