"""The FAQ service answers a repeated question from its cache, per language, until told so."""

from knowledge.answering import FaqService
from knowledge.settings import KnowledgeSettings

QUESTION = "Miten rekisteröin uuden asiakkaan Celianetissä?"


def test_a_repeated_question_is_answered_from_the_cache(
    knowledge_settings: KnowledgeSettings,
) -> None:
    service = FaqService.load(knowledge_settings)
    first = service.ask(QUESTION, "fi")
    assert first.answered
    assert service.ask(QUESTION, "fi") is first
    assert service.ask(QUESTION, "sv") is not first  # the language is part of the question
    service.forget_answers()
    again = service.ask(QUESTION, "fi")
    assert again is not first and again == first
