"""The idempotency key of a turn (actions/dialogue.py) without a Rasa server."""

import unittest

from rasa_sdk import Tracker

from actions.dialogue import turn_key


def turn(message_id: str | None, said_at: float) -> Tracker:
    """A tracker as the actions get it: the turn's events only, from the user's message on."""
    return Tracker(
        sender_id="c0ffee",
        slots={},
        latest_message={"text": "unohdin salasanani", "message_id": message_id},
        events=[
            {"event": "user", "timestamp": said_at, "text": "unohdin salasanani"},
            {"event": "slot", "timestamp": said_at + 0.1, "name": "email", "value": "a@b.fi"},
        ],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


class TurnKeyTest(unittest.TestCase):
    def test_each_message_has_its_own_key_and_a_retry_the_same(self) -> None:
        first = turn_key(turn("m1", 100.0), "reset")
        self.assertEqual(first, turn_key(turn("m1", 100.0), "reset"))
        self.assertNotEqual(first, turn_key(turn("m2", 100.0), "reset"))
        self.assertNotEqual(first, turn_key(turn("m1", 100.0), "handoff"))

    def test_without_a_message_id_turns_of_equal_length_still_differ(self) -> None:
        """The turn's events are as many in every turn; the user message's time tells them apart."""
        first = turn_key(turn(None, 100.0), "reset")
        self.assertEqual(first, turn_key(turn(None, 100.0), "reset"))
        self.assertNotEqual(first, turn_key(turn(None, 160.0), "reset"))


if __name__ == "__main__":
    unittest.main()
