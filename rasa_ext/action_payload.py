"""Send a custom action the events of the current turn, not the whole session.

Rasa sends the action server the tracker with every event of the session on each action call
and each form validation; serialising, sending and parsing them was a sixth of Rasa's busy time
under load (py-spy), and the action server's largest part. The actions read the slots, the
latest message and the active form (all sent as before), and a form's validation reads the
events since the user's latest message; only the hand-off reads further back, for the
transcript it files, so it still gets the whole session.
"""

from typing import Any

from rasa.core.actions.action import RemoteAction

from rasa_ext.patching import Replacement, replace

# Actions that read events from before the current turn (actions/handoff.py: the transcript).
SESSION_ACTIONS = frozenset({"action_handoff"})

rasa_action_call_format = RemoteAction._action_call_format


def from_latest_user_message(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The events from the latest user message on; all of them if there is none."""
    for back, event in enumerate(reversed(events)):
        if event.get("event") == "user":
            return events[len(events) - 1 - back :]
    return events


def action_call_format(self: RemoteAction, tracker: Any, domain: Any) -> dict[str, Any]:
    call = rasa_action_call_format(self, tracker, domain)
    if self.name() not in SESSION_ACTIONS:
        state = call["tracker"]
        state["events"] = from_latest_user_message(state["events"])
    return call


def install() -> None:
    replace(
        Replacement(
            RemoteAction, "_action_call_format", ("self", "tracker", "domain"), action_call_format
        )
    )
