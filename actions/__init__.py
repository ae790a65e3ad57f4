"""Custom actions: thin adapters between Rasa and the backend's HTTP API.

Rasa SDK registers every Action subclass imported here.
"""

from actions.faq import ActionAnswerFaq
from actions.greeting import ActionGreet

__all__ = ["ActionAnswerFaq", "ActionGreet"]
