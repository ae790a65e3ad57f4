"""E-mail texts. Every mail holds the Finnish text first, then Swedish and English."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Template:
    subject: str
    fi: str
    sv: str
    en: str


_SIGNATURE = "Celia – palvelut@celia.fi"

TEMPLATES: dict[str, Template] = {
    "verification_code": Template(
        subject="Vahvistuskoodi / Verifieringskod / Verification code",
        fi="Vahvistuskoodisi on {code}. Koodi on voimassa 24 tuntia.",
        sv="Din verifieringskod är {code}. Koden gäller i 24 timmar.",
        en="Your verification code is {code}. The code is valid for 24 hours.",
    ),
    "already_registered": Template(
        subject="Rekisteröitymisyritys / Registreringsförsök / Registration attempt",
        fi="Osoitteellesi yritettiin rekisteröidä uusi tunnus, mutta sinulla on jo tunnus. "
        "Jos unohdit salasanasi, voit palauttaa sen.",
        sv="Någon försökte registrera ett nytt konto med din adress, men du har redan ett konto. "
        "Om du har glömt ditt lösenord kan du återställa det.",
        en="Someone tried to register a new account with your address, but you already have "
        "one. If you forgot your password, you can reset it.",
    ),
    "password_reset": Template(
        subject="Salasanan palautus / Återställning av lösenord / Password reset",
        fi="Palautuskoodisi on {token}\nSe on voimassa {minutes} minuuttia ja toimii kerran. "
        "Jos et pyytänyt palautusta, voit jättää viestin huomiotta.",
        sv="Din återställningskod är {token}\nDen gäller i {minutes} minuter och fungerar en "
        "gång. Om du inte bad om återställning kan du ignorera meddelandet.",
        en="Your reset code is {token}\nIt is valid for {minutes} minutes and works once. "
        "If you did not ask for a reset, you can ignore this message.",
    ),
    "password_changed": Template(
        subject="Salasana vaihdettu / Lösenordet har ändrats / Password changed",
        fi="Salasanasi vaihdettiin. Jos et tehnyt tätä itse, ota yhteyttä Celiaan.",
        sv="Ditt lösenord har ändrats. Kontakta Celia om det inte var du.",
        en="Your password was changed. If this was not you, contact Celia.",
    ),
    "account_locked": Template(
        subject="Tunnus lukittu / Kontot låst / Account locked",
        fi="Tunnuksesi lukittiin liian monen epäonnistuneen kirjautumisen jälkeen. "
        "Celia avaa lukituksen: kysy chatissa tai kirjoita palvelut@celia.fi.",
        sv="Ditt konto låstes efter för många misslyckade inloggningar. Celia låser upp det: "
        "fråga i chatten eller skriv till palvelut@celia.fi.",
        en="Your account was locked after too many failed log-ins. Celia unlocks it: ask in "
        "the chat or write to palvelut@celia.fi.",
    ),
    "request_approved": Template(
        subject="Pyyntö hyväksytty / Begäran godkänd / Request approved ({reference})",
        fi="Celia hyväksyi pyyntösi {reference} ({kind_fi}).{note_fi}",
        sv="Celia godkände din begäran {reference} ({kind_sv}).{note_sv}",
        en="Celia approved your request {reference} ({kind_en}).{note_en}",
    ),
    "request_denied": Template(
        subject="Pyyntö hylätty / Begäran avslagen / Request denied ({reference})",
        fi="Celia hylkäsi pyyntösi {reference} ({kind_fi}).{note_fi}",
        sv="Celia avslog din begäran {reference} ({kind_sv}).{note_sv}",
        en="Celia denied your request {reference} ({kind_en}).{note_en}",
    ),
}


def render(name: str, **params: str) -> tuple[str, str]:
    """Subject and body of one trilingual mail."""
    template = TEMPLATES[name]
    body = "\n\n".join(
        [
            template.fi.format(**params),
            "På svenska: " + template.sv.format(**params),
            "In English: " + template.en.format(**params),
            _SIGNATURE,
        ]
    )
    return "Celia: " + template.subject.format(**params), body
