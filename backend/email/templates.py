"""E-mail texts in Finnish, Swedish and English. A mail is written in the recipient's language,
its subject in that language only; the other two languages follow below it."""

from dataclasses import dataclass

LANGUAGES = ("fi", "sv", "en")


@dataclass(frozen=True)
class Text:
    subject: str
    body: str


@dataclass(frozen=True)
class Template:
    fi: Text
    sv: Text
    en: Text

    def text(self, language: str) -> Text:
        return {"fi": self.fi, "sv": self.sv, "en": self.en}[language]


_SIGNATURE = "Celia – palvelut@celia.fi"
_OTHER_LANGUAGE_INTRO = {
    "fi": "Suomeksi: ",
    "sv": "På svenska: ",
    "en": "In English: ",
}

TEMPLATES: dict[str, Template] = {
    "verification_code": Template(
        fi=Text(
            "Vahvistuskoodi",
            "Vahvistuskoodisi on {code}. Koodi on voimassa 24 tuntia.\n"
            "Kirjoita se sivulle {site}/account/verify",
        ),
        sv=Text(
            "Verifieringskod",
            "Din verifieringskod är {code}. Koden gäller i 24 timmar.\n"
            "Skriv den på sidan {site}/account/verify",
        ),
        en=Text(
            "Verification code",
            "Your verification code is {code}. The code is valid for 24 hours.\n"
            "Enter it on the page {site}/account/verify",
        ),
    ),
    "already_registered": Template(
        fi=Text(
            "Rekisteröitymisyritys",
            "Osoitteellesi yritettiin rekisteröidä uusi tunnus, mutta sinulla on jo tunnus. "
            "Jos unohdit salasanasi, voit asettaa uuden: {site}/account/forgot",
        ),
        sv=Text(
            "Registreringsförsök",
            "Någon försökte registrera ett nytt konto med din adress, men du har redan ett "
            "konto. Om du har glömt ditt lösenord kan du ställa in ett nytt: "
            "{site}/account/forgot",
        ),
        en=Text(
            "Registration attempt",
            "Someone tried to register a new account with your address, but you already have "
            "one. If you forgot your password, you can set a new one: {site}/account/forgot",
        ),
    ),
    "password_reset": Template(
        fi=Text(
            "Uuden salasanan asettaminen",
            "Aseta uusi salasana tästä linkistä:\n{link}\n"
            "Linkki on voimassa {minutes} minuuttia ja toimii kerran. Jos linkki ei avaudu, "
            "avaa {site}/account/reset ja kopioi sinne koodi {token}\n"
            "Jos et pyytänyt uutta salasanaa, voit jättää viestin huomiotta.",
        ),
        sv=Text(
            "Ställ in ett nytt lösenord",
            "Ställ in ett nytt lösenord via den här länken:\n{link}\n"
            "Länken gäller i {minutes} minuter och fungerar en gång. Om länken inte öppnas, "
            "öppna {site}/account/reset och kopiera dit koden {token}\n"
            "Om du inte bad om ett nytt lösenord kan du ignorera meddelandet.",
        ),
        en=Text(
            "Set a new password",
            "Set a new password with this link:\n{link}\n"
            "The link is valid for {minutes} minutes and works once. If the link does not "
            "open, open {site}/account/reset and copy the code {token} there\n"
            "If you did not ask for a new password, you can ignore this message.",
        ),
    ),
    "password_changed": Template(
        fi=Text(
            "Salasana vaihdettu",
            "Salasanasi vaihdettiin. Jos et tehnyt tätä itse, ota yhteyttä Celiaan.",
        ),
        sv=Text(
            "Lösenordet har ändrats",
            "Ditt lösenord har ändrats. Kontakta Celia om det inte var du.",
        ),
        en=Text(
            "Password changed",
            "Your password was changed. If this was not you, contact Celia.",
        ),
    ),
    "account_locked": Template(
        fi=Text(
            "Tunnus lukittu",
            "Tunnuksesi lukittiin liian monen epäonnistuneen kirjautumisen jälkeen. "
            "Celia avaa lukituksen: kysy chatissa tai kirjoita palvelut@celia.fi.",
        ),
        sv=Text(
            "Kontot låst",
            "Ditt konto låstes efter för många misslyckade inloggningar. Celia låser upp det: "
            "fråga i chatten eller skriv till palvelut@celia.fi.",
        ),
        en=Text(
            "Account locked",
            "Your account was locked after too many failed log-ins. Celia unlocks it: ask in "
            "the chat or write to palvelut@celia.fi.",
        ),
    ),
    "unit_invitation": Template(
        fi=Text(
            "Kutsu Celian rekisteröijäksi",
            "{inviter} kutsuu sinut yksikön {unit} rekisteröijäksi Celiaan. Hyväksy kutsu "
            "tästä linkistä kirjautuneena tällä osoitteella:\n{link}\nJos sinulla ei ole "
            "tunnusta, rekisteröidy ensin: {site}/account/register\nLinkki on voimassa "
            "{days} päivää.",
        ),
        sv=Text(
            "Inbjudan att bli registrerare hos Celia",
            "{inviter} bjuder in dig att bli registrerare för enheten {unit} hos Celia. "
            "Godkänn inbjudan via den här länken, inloggad med den här adressen:\n{link}\n"
            "Om du inte har ett konto, registrera dig först: {site}/account/register\n"
            "Länken gäller i {days} dagar.",
        ),
        en=Text(
            "Invitation to become a Celia registrar",
            "{inviter} invites you to become a registrar of {unit} at Celia. Accept with this "
            "link, logged in with this address:\n{link}\nIf you have no account, register "
            "first: {site}/account/register\nThe link is valid for {days} days.",
        ),
    ),
    "request_approved": Template(
        fi=Text(
            "Pyyntö hyväksytty ({reference})",
            "Celia hyväksyi pyyntösi {reference} ({kind_fi}).{note_fi}",
        ),
        sv=Text(
            "Begäran godkänd ({reference})",
            "Celia godkände din begäran {reference} ({kind_sv}).{note_sv}",
        ),
        en=Text(
            "Request approved ({reference})",
            "Celia approved your request {reference} ({kind_en}).{note_en}",
        ),
    ),
    "request_denied": Template(
        fi=Text(
            "Pyyntö hylätty ({reference})",
            "Celia hylkäsi pyyntösi {reference} ({kind_fi}).{note_fi}",
        ),
        sv=Text(
            "Begäran avslagen ({reference})",
            "Celia avslog din begäran {reference} ({kind_sv}).{note_sv}",
        ),
        en=Text(
            "Request denied ({reference})",
            "Celia denied your request {reference} ({kind_en}).{note_en}",
        ),
    ),
    "main_user_invitation": Template(
        fi=Text(
            "Kutsu Celianetiin",
            "Celia kutsuu sinut yksikön {unit} pääkäyttäjäksi. Luo tunnuksesi osoitteessa\n"
            "{link}\nKutsu on voimassa {days} päivää ja toimii kerran.",
        ),
        sv=Text(
            "Inbjudan till Celianet",
            "Celia bjuder in dig som huvudanvändare för enheten {unit}. Skapa ditt konto på\n"
            "{link}\nInbjudan gäller i {days} dagar och fungerar en gång.",
        ),
        en=Text(
            "Invitation to Celianet",
            "Celia invites you to be the main user of {unit}. Create your account at\n"
            "{link}\nThe invitation is valid for {days} days and works once.",
        ),
    ),
    "main_user_appointed": Template(
        fi=Text("Pääkäyttäjäksi ({unit})", "Celia nimesi sinut yksikön {unit} pääkäyttäjäksi."),
        sv=Text(
            "Huvudanvändare ({unit})",
            "Celia har utsett dig till huvudanvändare för enheten {unit}.",
        ),
        en=Text("Main user ({unit})", "Celia made you the main user of {unit}."),
    ),
    "staff_password_link": Template(
        fi=Text(
            "Celian konsolin tunnus",
            "Sinulle on luotu tunnus Celian henkilökunnan konsoliin. Aseta salasanasi "
            "osoitteessa\n{link}\nLinkki on voimassa {days} päivää ja toimii kerran.",
        ),
        sv=Text(
            "Konto i Celias konsol",
            "Ett konto i Celias personalkonsol har skapats åt dig. Ange ditt lösenord på\n"
            "{link}\nLänken gäller i {days} dagar och fungerar en gång.",
        ),
        en=Text(
            "Celia console account",
            "An account in Celia's staff console was created for you. Set your password at\n"
            "{link}\nThe link is valid for {days} days and works once.",
        ),
    ),
    "second_factor_reset": Template(
        fi=Text(
            "Kaksivaiheinen tunnistus nollattu",
            "Kaksivaiheisen tunnistuksesi asetukset poistettiin. Otat sen uudelleen käyttöön "
            "seuraavalla kirjautumisella. Jos et pyytänyt tätä, ota yhteyttä ylläpitoon.",
        ),
        sv=Text(
            "Tvåstegsverifiering nollställd",
            "Inställningarna för din tvåstegsverifiering togs bort. Du aktiverar den på nytt "
            "vid nästa inloggning. Kontakta administratören om du inte bad om detta.",
        ),
        en=Text(
            "Two-factor log-in reset",
            "Your two-factor log-in was reset. You set it up again at your next log-in. If "
            "you did not ask for this, contact the administrator.",
        ),
    ),
    "staff_reply": Template(
        fi=Text(
            "Asiakaspalvelu vastasi ({reference})",
            "Celian asiakaspalvelu vastasi chat-keskusteluusi (viite {reference}). Lue vastaus "
            "ja jatka keskustelua: {link}",
        ),
        sv=Text(
            "Kundtjänsten har svarat ({reference})",
            "Celias kundtjänst har svarat i din chatt (referens {reference}). Läs svaret och "
            "fortsätt samtalet: {link}",
        ),
        en=Text(
            "Customer service answered ({reference})",
            "Celia's customer service answered in your chat (reference {reference}). Read the "
            "answer and continue the conversation: {link}",
        ),
    ),
}


def render(name: str, language: str, **params: str) -> tuple[str, str]:
    """Subject and body of one mail: the recipient's language (fi, sv or en) first, then the
    other two."""
    template = TEMPLATES[name]
    others = [other for other in LANGUAGES if other != language]
    parts = [template.text(language).body.format(**params)]
    parts += [_OTHER_LANGUAGE_INTRO[o] + template.text(o).body.format(**params) for o in others]
    subject = template.text(language).subject.format(**params)
    return "Celia: " + subject, "\n\n".join([*parts, _SIGNATURE])
