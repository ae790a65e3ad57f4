"""Tell Finnish, Swedish and English apart in short chat messages.

Dependency-free (also imported by the Rasa side). Returns None when a message gives no
evidence (e.g. "ok", an e-mail address), so the caller can keep the conversation's language.
"""

import re

_WORD = re.compile(r"(?<![0-9a-zåäöéü])[a-zåäöéü]+(?![0-9a-zåäöéü])")  # letters not glued to digits

_MARKERS: dict[str, frozenset[str]] = {
    "fi": frozenset(
        """apua asiakas asiakkaaksi asiakkaalla asiakkaalle asiakkaan ei eikä en et että haluan
        hei heippa hetu hetua hetulla hetun huoltaja huoltajan huomenta hyvää ihmiselle ja joo
        jos juu kiitoksia kiitos kiitti kirjasto kirjastossa koulu kuinka kuka kun kyllä
        lopeta lukittu lukkiutunut meidän meillä miksi mikä milloin minun minä missä miten
        mitä moi moikka mun mutta myös mä nyt näkemiin ole olen on onko oon oppilas peruuta
        pitää pitääkö puhua päivää rekisteröidä rekisteröijä rekisteröinti saako salasana
        salasanan se suostumus tai tarviiko tarvitaanko tehdä teillä terve tunnukseni
        tunnukset tunnus unohtui vai vielä voiko voiks voinko""".split()
    ),
    "sv": frozenset(
        """att av avbryt bibliotek biblioteket dag den det elev eller en ett finns får för glömt
        god gör har hej hejdå hejsan hjälp hur inte ja jag kan kontot kund kunden kunder låst
        lösenord lösenordet med men mig min mitt morgon människa måste nej när och också om
        personbeteckning prata på registrera registrerare samtycke ska skall skola sluta som
        tack tackar till vad var varför vem vill vårdnadshavare är""".split()
    ),
    "en": frozenset(
        """a account also an and are but bye can cancel code consent customer customers do does
        for forgot forgotten good goodbye guardian has have hello help hey hi how human i
        identity if is it library locked may me morning must my no not of on or password
        person please pupil register registrar school should stop talk thank thanks that the
        there this to want what when where who why with yes you""".split()
    ),
}


def detect_language(text: str) -> str | None:
    """'fi', 'sv', 'en', or None when the text gives no evidence."""
    words = _WORD.findall(text.lower())
    if not words:
        return None
    scores = {lang: sum(1.0 for w in words if w in vocab) for lang, vocab in _MARKERS.items()}
    lowered = text.lower()
    if "å" in lowered:
        scores["sv"] += 1.5
    if ("ä" in lowered or "ö" in lowered) and "å" not in lowered:
        scores["fi"] += 0.5
    # Finnish inflection: long words ending in typical case endings or question clitics.
    scores["fi"] += 0.5 * sum(
        1
        for w in words
        if len(w) > 5
        and w.endswith(
            ("ssa", "ssä", "lla", "llä", "ko", "kö", "sta", "stä", "aan", "een", "iin", "ksi")
        )
    )
    best = max(scores, key=lambda lang: scores[lang])
    if scores[best] == 0:
        return None
    ranked = sorted(scores.values(), reverse=True)
    if ranked[0] == ranked[1]:
        return None
    return best
