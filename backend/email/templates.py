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
    "main_user_invitation": Template(
        subject="Kutsu Celianetiin / Inbjudan till Celianet / Invitation to Celianet",
        fi="Celia kutsuu sinut yksikön {unit} pääkäyttäjäksi. Luo tunnuksesi osoitteessa\n"
        "{link}\nKutsu on voimassa {days} päivää ja toimii kerran.",
        sv="Celia bjuder in dig som huvudanvändare för enheten {unit}. Skapa ditt konto på\n"
        "{link}\nInbjudan gäller i {days} dagar och fungerar en gång.",
        en="Celia invites you to be the main user of {unit}. Create your account at\n"
        "{link}\nThe invitation is valid for {days} days and works once.",
    ),
    "main_user_appointed": Template(
        subject="Pääkäyttäjäksi / Huvudanvändare / Main user ({unit})",
        fi="Celia nimesi sinut yksikön {unit} pääkäyttäjäksi.",
        sv="Celia har utsett dig till huvudanvändare för enheten {unit}.",
        en="Celia made you the main user of {unit}.",
    ),
    "staff_password_link": Template(
        subject="Celian konsolin tunnus / Konto i Celias konsol / Celia console account",
        fi="Sinulle on luotu tunnus Celian henkilökunnan konsoliin. Aseta salasanasi osoitteessa"
        "\n{link}\nLinkki on voimassa {days} päivää ja toimii kerran.",
        sv="Ett konto i Celias personalkonsol har skapats åt dig. Ange ditt lösenord på\n{link}"
        "\nLänken gäller i {days} dagar och fungerar en gång.",
        en="An account in Celia's staff console was created for you. Set your password at\n"
        "{link}\nThe link is valid for {days} days and works once.",
    ),
    "second_factor_reset": Template(
        subject="Kaksivaiheinen tunnistus nollattu / Tvåstegsverifiering nollställd / "
        "Two-factor log-in reset",
        fi="Kaksivaiheisen tunnistuksesi asetukset poistettiin. Otat sen uudelleen käyttöön "
        "seuraavalla kirjautumisella. Jos et pyytänyt tätä, ota yhteyttä ylläpitoon.",
        sv="Inställningarna för din tvåstegsverifiering togs bort. Du aktiverar den på nytt vid "
        "nästa inloggning. Kontakta administratören om du inte bad om detta.",
        en="Your two-factor log-in was reset. You set it up again at your next log-in. If you "
        "did not ask for this, contact the administrator.",
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
