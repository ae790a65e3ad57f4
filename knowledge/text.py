"""Normalising text into index terms for lexical retrieval in Finnish, Swedish and English."""

import re
import unicodedata

from knowledge.morphology import word_terms

_TOKEN = re.compile(r"[0-9a-zåäöü]+")

# Function words (colloquial Finnish ones too): they carry no topic, so they neither help nor
# hurt a match.
STOPWORDS = frozenset(
    """ja on ei se että kun jos mitä miten mikä mitkä missä miksi kuka voi voiko voinko onko
    saako pitää pitääkö tai vai mutta myös vielä nyt jo kuin niin sitten tämä tuo se ne me te
    he minä sinä hän mä mun meillä meidän teillä olla olen oon ole oli ovat mitään jotain kanssa
    och är att det som en ett den de för med vad var hur när vem varför kan ska skall måste får
    har inte eller men också om på till av jag du vi ni han hon man sig mig min mitt vår
    still redan nu bara så då the a an and or but is are was were be been do does did can could
    should would will must may have has had to of in on at for with from by about what how when
    who why which this that these those i you we they he she it my our your me us not no yes
    please still just then
    mites mitäs entä entäs ton tän tää toi noi pitäis ois olis eka ihan vaan sit kans mulla sulla
    ylipäänsä ylipäätään kaikkiaan
    doesn don isn aren wasn weren didn shouldn wouldn couldn won haven hasn""".split()
)


def fold(text: str) -> str:
    """Lower-case and fold diacritics (ä→a, ö→o, å→a), since users often type without them."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def words(text: str) -> list[str]:
    """The text's lower-case words without function words; hyphenated compounds split."""
    return [w for w in _TOKEN.findall(text.lower().replace("-", " ")) if w not in STOPWORDS]


def index_terms(text: str, lang: str, parts: bool = True) -> list[str]:
    """Terms in the given language (Finnish lemmas and compound parts, Swedish and English
    stems; `knowledge/morphology.py`), folded."""
    return [fold(t) for w in words(text) for t in word_terms(w, lang, parts) if len(t) > 1]
