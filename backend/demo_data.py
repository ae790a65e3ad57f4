"""DEMO DATA for trying the assistant: `python -m backend.demo_data` (uses DATABASE_URL and the
secrets from the environment). Loads once; running it again changes nothing.

Everything created here is fictional and marked DEMO: unit names start with "DEMO", e-mail
addresses end in `@demo.celia.invalid`, and every hetu is in the temporary range 900–999, so
none belongs to a real person. Demo accounts (e-mail / password):

- paakayttaja@demo.celia.invalid / Demo-Paakayttaja-2025   main user of the DEMO library
- rekisteroija@demo.celia.invalid / Demo-Rekisteroija-2025  registrar (DEMO library and school)
- korkeakoulu@demo.celia.invalid / Demo-Korkeakoulu-2025   registrar (DEMO higher education)
- lukittu@demo.celia.invalid / Demo-Lukittu-2025           registrar whose account is locked
- celia@demo.celia.invalid / Demo-Celia-Staff-2025         Celia staff, admin (staff console);
  the second factor is enrolled with the public DEMO TOTP secret below (add it to an
  authenticator app, or `python -c "import pyotp; print(pyotp.TOTP('<secret>').now())"`)
"""

import logging
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend import migrate
from backend.db import Database
from backend.models import (
    Customer,
    CustomerStatus,
    Delivery,
    Registrar,
    RegistrarRole,
    RegistrarStatus,
    StaffRole,
    Unit,
    UnitKind,
    utcnow,
)
from backend.security import Security
from backend.services import second_factor
from backend.services.access import make_main_user
from backend.services.staff_accounts import create_staff_user
from backend.settings import Settings, get_settings

log = logging.getLogger("backend.demo_data")

LIBRARY = "DEMO Esimerkkikirjasto"
SCHOOL = "DEMO Esimerkkikoulu"
HIGHER_EDUCATION = "DEMO Esimerkkiammattikorkeakoulu"


@dataclass(frozen=True)
class DemoRegistrar:
    email: str
    first_name: str
    last_name: str
    password: str
    role: RegistrarRole
    units: tuple[str, ...]
    locked: bool = False


@dataclass(frozen=True)
class DemoCustomer:
    hetu: str
    first_name: str
    last_name: str
    unit: str
    status: CustomerStatus = CustomerStatus.active
    delivery: Delivery = Delivery.online
    temporary: bool = False
    guardian_consent: bool = False


REGISTRARS = (
    DemoRegistrar(
        "paakayttaja@demo.celia.invalid",
        "Paula",
        "Pääkäyttäjä",
        "Demo-Paakayttaja-2025",
        RegistrarRole.main_user,
        (LIBRARY,),
    ),
    DemoRegistrar(
        "rekisteroija@demo.celia.invalid",
        "Reija",
        "Rekisteröijä",
        "Demo-Rekisteroija-2025",
        RegistrarRole.registrar,
        (LIBRARY, SCHOOL),
    ),
    DemoRegistrar(
        "korkeakoulu@demo.celia.invalid",
        "Kalle",
        "Korkeakoulu",
        "Demo-Korkeakoulu-2025",
        RegistrarRole.registrar,
        (HIGHER_EDUCATION,),
    ),
    DemoRegistrar(
        "lukittu@demo.celia.invalid",
        "Liisa",
        "Lukittu",
        "Demo-Lukittu-2025",
        RegistrarRole.registrar,
        (LIBRARY,),
        locked=True,
    ),
)

CUSTOMERS = (
    DemoCustomer("120475-901C", "Aino", "Aktiivinen", LIBRARY),
    DemoCustomer("031148-9029", "Cecilia", "CD-lainaaja", LIBRARY, delivery=Delivery.cd),
    DemoCustomer("200209A903Y", "Teemu", "Tilapäinen", SCHOOL, temporary=True),
    DemoCustomer("080916A904P", "Helmi", "Huoltajanlupa", SCHOOL, guardian_consent=True),
    DemoCustomer("300690-905L", "Erkki", "Päättynyt", HIGHER_EDUCATION, CustomerStatus.ended),
    DemoCustomer(
        "150162-906P", "Pertti", "Poistettava", LIBRARY, CustomerStatus.marked_for_deletion
    ),
)

STAFF = ("celia@demo.celia.invalid", "Celia-käsittelijä (DEMO)", "Demo-Celia-Staff-2025")
STAFF_TOTP_SECRET = "CELIADEMOSTAFFTOTPSECRETDEMO2345"  # noqa: S105 (public, DEMO only)


def load(db: Session, security: Security) -> bool:
    """Add the demo data unless it is there already; True when it was added."""
    if db.scalar(select(Unit).where(Unit.name == LIBRARY)) is not None:
        return False
    units = {
        name: Unit(name=name, kind=kind)
        for name, kind in (
            (LIBRARY, UnitKind.library),
            (SCHOOL, UnitKind.school),
            (HIGHER_EDUCATION, UnitKind.higher_education),
        )
    }
    db.add_all(units.values())
    for demo in REGISTRARS:
        registrar = Registrar(
            email=demo.email,
            first_name=demo.first_name,
            last_name=demo.last_name,
            status=RegistrarStatus.active,
            password_hash=security.hash_password(demo.password),
            email_verified_at=utcnow(),
            locked=demo.locked,
            locked_at=utcnow() if demo.locked else None,
            failed_logins=5 if demo.locked else 0,
            units=[units[name] for name in demo.units],
        )
        db.add(registrar)
        if demo.role == RegistrarRole.main_user:  # of each of the demo person's units
            for name in demo.units:
                make_main_user(db, registrar, units[name])
    for customer in CUSTOMERS:
        db.add(
            Customer(
                hetu_hmac=security.hetu_hmac(customer.hetu),
                hetu_encrypted=security.encrypt_hetu(customer.hetu),
                first_name=customer.first_name,
                last_name=customer.last_name,
                unit=units[customer.unit],
                status=customer.status,
                delivery=customer.delivery,
                temporary=customer.temporary,
                guardian_consent=customer.guardian_consent,
            )
        )
    staff = create_staff_user(db, security, *STAFF, role=StaffRole.admin)
    second_factor.enrol_known_secret(db, security, staff, STAFF_TOTP_SECRET)
    db.commit()
    return True


def load_into(settings: Settings) -> bool:
    migrate.upgrade(settings.database_url)
    database = Database(settings.database_url)
    try:
        with database.sessions() as db:
            return load(db, Security(settings))
    finally:
        database.engine.dispose()


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    added = load_into(get_settings())
    log.info("DEMO data %s.", "loaded" if added else "already present; nothing changed")
