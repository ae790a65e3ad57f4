"""Greeting that tells the user what the bot can do for them (asks the backend who they are)."""

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.backend_client import BackendError, backend

log = logging.getLogger(__name__)


class ActionGreet(Action):
    def name(self) -> str:
        return "action_greet"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        dispatcher.utter_message(response="utter_greet")
        try:
            info = await backend().conversation(tracker.sender_id)
        except BackendError as error:
            log.warning("greeting without identity: %s", error)
            return []
        if info.registrar_id is not None:
            dispatcher.utter_message(response="utter_greet_registrar_note")
        else:
            dispatcher.utter_message(response="utter_greet_anonymous_note")
        return []
