"""Reading questions as registrars write them (issue 26): focus, lemmas, spelling, near misses."""

import pytest

from knowledge.answering import RELATED_INTRO, FaqService
from knowledge.focus import (
    CONTEXT_WEIGHT,
    DATE,
    QUANTITY,
    asked_things,
    asks_amount,
    sentence_weights,
    states_amount,
    which_things,
)
from knowledge.morphology import finnish_terms
from knowledge.settings import KnowledgeSettings
from knowledge.spelling import Speller, proper_names


@pytest.fixture(scope="module")
def faq(knowledge_settings: KnowledgeSettings) -> FaqService:
    return FaqService.load(knowledge_settings)


def test_a_long_finnish_question_with_a_preamble_is_answered(faq: FaqService) -> None:
    question = (
        "Sijaistan tänään kollegaa ja tiskille tuli isä 9-vuotiaan tyttärensä kanssa, "
        "joka haluaisi kuunnella äänikirjoja. Tarvitaanko huoltajan suostumus ennen "
        "kuin rekisteröin hänet?"
    )
    assert faq.ask(question).entry_id == "guardian-consent-under-15"


def test_the_preamble_weighs_less_than_the_question_sentence() -> None:
    weights = sentence_weights("Olen uusi kirjastossa. Miten rekisteröin asiakkaan?", ["fi"])
    assert [w for _, w in weights] == [CONTEXT_WEIGHT, 1.0] and CONTEXT_WEIGHT < 1
    # With no sentence asking, every sentence counts in full.
    assert {w for _, w in sentence_weights("hetu käytössä. asiakasta ei löydy", ["fi"])} == {1.0}


def test_an_indirect_question_in_the_preamble_asks_too(faq: FaqService) -> None:
    question = (
        "Kaupungin tietohallinto kysyi, pitääkö Celianetin rekisteröijien salasanoja vaihtaa "
        "säännöllisesti. Onko Celialla tästä jokin käytäntö?"
    )
    weights = sentence_weights(question, ["fi"])
    assert [w for _, w in weights] == [CONTEXT_WEIGHT, 1.0, 1.0]
    assert faq.ask(question).entry_id == "password-rotation"
    swedish = sentence_weights("Rektorn frågade, om vi behöver samtycke. Vad svarar jag?", ["sv"])
    assert [w for _, w in swedish] == [CONTEXT_WEIGHT, 1.0, 1.0]
    # A clause that asks nothing stays context.
    assert [w for _, w in sentence_weights("Olen uusi, aloitin eilen. Miten?", ["fi"])] == [
        CONTEXT_WEIGHT,
        CONTEXT_WEIGHT,
        1.0,
    ]


def test_a_compound_is_read_as_its_parts() -> None:
    assert {"ammatti", "korkea", "koulu"} <= set(finnish_terms("ammattikorkeakoulun"))
    assert "tunnus" in finnish_terms("rekisteröijätunnustani")


def test_a_compound_the_faq_never_uses_whole_finds_its_entry(faq: FaqService) -> None:
    result = faq.ask("Miten ammattikorkeakoulun kirjasto rekisteröi opiskelijan asiakkaaksi?")
    assert result.entry_id == "higher-education-unit"


@pytest.mark.parametrize(
    ("question", "entry_id"),
    [
        ("Asiakkaalla ei ole henkilötunusta, miten hänet rekisteröidään?", "customer-without-hetu"),
        (
            "Jag har glömt mitt lösenrod som registrerare, vad gör jag?",
            "lost-registrar-credentials",
        ),
        ("I forgot my registrar pasword, what should I do?", "lost-registrar-credentials"),
    ],
)
def test_a_typo_in_each_language_is_corrected(
    faq: FaqService, question: str, entry_id: str
) -> None:
    assert faq.ask(question).entry_id == entry_id


def test_a_hetu_an_address_and_a_name_are_never_corrected() -> None:
    speller = Speller(["asiakas", "rekisteröinti", "sähköposti", "henkilötunnus"])
    text = "Asikas 150162-906P, maija.meikalainen@kirjasto.fi ja Asikas Virtasen rekisteörinti"
    corrected = speller.correct(text, ["fi"])
    assert "150162-906P" in corrected
    assert "maija.meikalainen@kirjasto.fi" in corrected
    assert "Virtasen" in corrected
    # The same misspelt word is corrected at the start of a sentence, and left inside it when
    # capitalised (a name).
    assert corrected.startswith("Asiakas ")
    assert " Asikas Virtasen" in corrected
    assert corrected.endswith("rekisteröinti")


def test_a_misspelt_name_of_the_faq_is_corrected_and_other_names_are_not() -> None:
    speller = Speller(["asiakas"], proper_names(["Kysy Celiasta tai katso Celianetistä."]))
    assert speller.correct("Voiko Celiatsa kysyä, sanoi Virtanen?", ["fi"]) == (
        "Voiko Celiasta kysyä, sanoi Virtanen?"
    )


def test_a_misspelt_registrars_word_becomes_the_faqs_word(faq: FaqService) -> None:
    # "lainaja" is one edit from the registrars' "lainaaja", which the FAQ calls "asiakas".
    assert faq.ask("Kuka voi olla Celain lainaja?").entry_id == "who-can-be-customer"


def test_the_thing_a_finnish_yes_no_question_asks_about_is_found() -> None:
    things = asked_things("Olen uusi. Löytyykö rekisteröinnin webinaarista tallenne?", "fi")
    names = [thing.names for thing in things]
    assert ("tallenne",) in names and ("rekisterointi",) in names
    # Only in a yes/no question sentence, and not an everyday word.
    assert asked_things("Webinaarista on tallenne.", "fi") == []
    assert asked_things("Voinko korjata sen itse?", "fi") == []
    # Swedish and English: the not-everyday real words of a question opened by a verb, not a
    # misspelt everyday word.
    assert [t.names for t in asked_things("Finns det en inspelning?", "sv")] == [("inspelning",)]
    assert asked_things("Hur hittar jag inspelningen?", "sv") == []
    assert asked_things("Can a 16 year old sign up on thier own?", "en") == []
    # The subject says who asks or acts, not what is asked.
    things = asked_things("Can a school nurse register a pupil?", "en")
    assert [t.prefix for t in things] == ["regis", "pupil"]
    # A noun that may be in the instructive case says how, not what.
    assert [t.names for t in asked_things("Pitääkö salasana vaihtaa määrävälein?", "fi")] == [
        ("salasana",)
    ]


def test_a_compound_thing_is_named_by_its_parts_only_when_all_are_known() -> None:
    known = {"loppu", "paiva", "puhelu"}.__contains__
    things = asked_things("Onko kenttää loppupäivälle? Voiko sen tehdä videopuhelulla?", "fi")
    end_date, video_call = (t for t in things if t.names[0] in ("loppupaiva", "videopuhelu"))
    assert end_date.named_by(known)
    assert not video_call.named_by(known)


def test_a_question_with_a_how_word_is_answered_not_refused(faq: FaqService) -> None:
    result = faq.ask("Pitääkö rekisteröijän salasanaa vaihtaa määrävälein?")
    assert result.answered and result.entry_id == "password-rotation"


def test_a_number_before_a_faq_word_is_not_a_foreign_compound(faq: FaqService) -> None:
    # "neljäsluokkalainen" is a FAQ "luokkalainen", of the fourth grade; "verkkopankki" is
    # another service's ID all the same.
    assert faq.foreign_compound("Koulumme neljäsluokkalaiselle on suositeltu Celiaa.") is None
    assert faq.foreign_compound("Unohdin verkkopankkitunnukset.") is not None


@pytest.mark.parametrize(
    ("question", "related"),
    [
        (
            "Kan man skicka inloggningsuppgifterna till kunden per sms i stället för e-post?",
            "credentials-other-email",
        ),
        (
            "Does the customer get a confirmation email once the library has ended the "
            "customership?",
            "end-customership",
        ),
    ],
)
def test_a_swedish_or_english_yes_no_question_about_a_thing_no_entry_names_is_a_near_miss(
    faq: FaqService, question: str, related: str
) -> None:
    result = faq.ask(question)
    assert not result.answered and result.related_entry_id == related


def test_a_word_the_faq_writes_with_another_ending_is_named() -> None:
    # No compound parts in Swedish: the same first five letters name it.
    thing = asked_things("Får jag skriva det i fältet för tilläggsinformation?", "sv")[-1]
    assert thing.names == ("tillaggsinformation",)
    assert thing.named_by(lambda _: False, {"tilla"})
    assert not thing.named_by(lambda _: False, {"inspe"})


def test_a_yes_no_question_about_a_thing_no_entry_names_is_a_near_miss(
    faq: FaqService,
) -> None:
    result = faq.ask("Löytyykö rekisteröinnin webinaarista tallenne, jonka voisin katsoa?", "fi")
    assert not result.answered and result.related_entry_id == "registration-webinar"


def test_the_thing_a_finnish_which_question_asks_about_is_found() -> None:
    # The determiner agrees with its noun in case and number.
    assert [t.names for t in which_things("Ja millä linkillä pääsee mukaan?", "fi")] == [
        ("linkki",)
    ]
    found = which_things("Näkeekö hetuhaussa, mikä kirjasto on rekisteröinyt hänet?", "fi")
    assert [t.names for t in found] == [("kirjasto",)]
    assert which_things("Mikä on asiakaspalvelun sähköposti?", "fi") == []
    assert which_things("Which browser works?", "en") == []


def test_a_which_question_about_a_thing_the_entry_never_names_is_a_near_miss(
    faq: FaqService,
) -> None:
    result = faq.ask("Tallennetaanko Celian kyselytunnit, ja millä linkillä niihin pääsee?", "fi")
    assert not result.answered and result.related_entry_id == "qa-hours"


def test_an_amount_is_recognised_in_questions_and_answers() -> None:
    assert asks_amount("Kuinka kauan tilapäinen asiakkuus voi kestää?", ["fi"])
    assert asks_amount("Montako päivää siihen menee?", ["fi"])
    assert asks_amount("Hur länge gäller samtycket?", ["sv"])
    assert asks_amount("How many days does it take?", ["en"])
    assert not asks_amount("Miten tilapäinen asiakas rekisteröidään?", ["fi"])
    assert states_amount("Celia lähettää viestin noin kahden viikon sisällä.")
    assert states_amount("Salasana on vaihdettava puolen vuoden tai vuoden välein.")
    assert not states_amount("Vain Celia voi avata lukitun tunnuksen.")


def test_a_date_or_an_address_is_no_quantity() -> None:
    # The sources' own date answers "what date", not "how many" or "how often".
    dated = "Koosteen (18.5.2021) mukaan uutiskirjeen voi tilata osoitteessa www.celia.fi/t2."
    assert asks_amount("Kuinka usein uutiskirje ilmestyy?", ["fi"]) == QUANTITY
    assert asks_amount("On what date did it start?", ["en"]) == DATE
    assert not states_amount(dated, QUANTITY)
    assert states_amount(dated, DATE)
    assert not states_amount("Kysyä voi klo 9–9.30 osoitteesta palvelut2@celia.fi.", QUANTITY)


def test_a_how_often_question_the_entry_gives_no_figure_for_is_a_near_miss(
    faq: FaqService,
) -> None:
    result = faq.ask("Kuinka usein kirjastoille tarkoitettu uutiskirje ilmestyy?", "fi")
    assert not result.answered and result.related_entry_id == "newsletters"
    # The entry that gives the interval answers the same kind of question.
    assert faq.ask("kuinka usein rekisteröijän tunnukset pitää vaihtaa").entry_id == (
        "password-rotation"
    )


@pytest.mark.parametrize(
    ("question", "lang", "related"),
    [
        (
            "Kuinka pitkäksi aikaa tilapäisen asiakkuuden voi enintään tehdä?",
            "fi",
            "temporary-customer",
        ),
        (
            "Hur många dagar tar det innan Celia ändrar en cd-kund till nätkund?",
            "sv",
            "cd-to-online",
        ),
        (
            "How many days does it take Celia to change a CD customer into an online customer?",
            "en",
            "cd-to-online",
        ),
    ],
)
def test_a_near_miss_is_refused_with_its_entry_offered_as_related(
    faq: FaqService, question: str, lang: str, related: str
) -> None:
    result = faq.ask(question, lang)
    assert not result.answered and result.answer is None and result.entry_id is None
    assert result.related_entry_id == related
    assert result.see_also is not None and result.see_also.startswith(RELATED_INTRO[lang])
