"""ORM models. Each table's migration lives in backend/migrations/versions.

Nothing here holds a plaintext hetu or password: customers keep a keyed HMAC of the hetu for
look-up and a Fernet-encrypted copy (see backend/security.py); passwords and tokens are hashed.
"""

import enum
from collections.abc import Mapping
from datetime import date, datetime, timezone
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from backend.db import Base


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class UtcDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every database (SQLite hands back naive ones)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value


def _enum(enum_class: type[enum.Enum]) -> Enum:
    return Enum(
        enum_class,
        native_enum=False,
        create_constraint=True,
        length=24,
        name=f"ck_{enum_class.__name__.lower()}",
        values_callable=lambda members: [member.value for member in members],
    )


class UnitKind(str, enum.Enum):
    library = "library"
    school = "school"
    higher_education = "higher_education"
    other = "other"


class RegistrarRole(str, enum.Enum):
    registrar = "registrar"
    main_user = "main_user"


class RegistrarStatus(str, enum.Enum):
    unverified = "unverified"
    active = "active"
    deleted = "deleted"


class CustomerStatus(str, enum.Enum):
    active = "active"
    marked_for_deletion = "marked_for_deletion"
    ended = "ended"


class Delivery(str, enum.Enum):
    online = "online"
    cd = "cd"


class TokenPurpose(str, enum.Enum):
    email_verification = "email_verification"
    password_reset = "password_reset"  # noqa: S105 (a purpose, not a password)


class StaffRole(str, enum.Enum):
    agent = "agent"  # handles the queue
    admin = "admin"  # also manages staff users and units


class SessionStage(str, enum.Enum):
    """What a session still lacks; a session with no stage is fully logged in."""

    enrolment = "enrolment"  # password right, second factor not set up yet
    second_factor = "second_factor"  # password right, code not yet given


class InvitationKind(str, enum.Enum):
    main_user = "main_user"  # a new person registers straight into a unit as its main user
    staff_password = "staff_password"  # noqa: S105 (a new staff user sets a first password)
    unit_registrar = "unit_registrar"  # joins a unit once accepted (registering first if need be)


class RequestKind(str, enum.Enum):
    reactivation = "reactivation"
    unlock = "unlock"
    delivery_change = "delivery_change"
    registrar_removal = "registrar_removal"


class RequestStatus(str, enum.Enum):
    open = "open"
    approved = "approved"
    denied = "denied"


class EscalationReason(str, enum.Enum):
    asked_for_human = "asked_for_human"
    unanswered_question = "unanswered_question"
    failed_flow = "failed_flow"


class EscalationStatus(str, enum.Enum):
    open = "open"
    in_progress = "in_progress"
    resolved = "resolved"


class MessageKind(str, enum.Enum):
    note = "note"
    reply = "reply"


class Conversation(Base):
    """A chat conversation the backend issued; the id is what Rasa sees as the sender.

    An anonymous one continues only in the browser holding its signed cookie; the link in a
    reply mail carries a single-use token (only its hash here) that gives another browser it.
    """

    __tablename__ = "conversations"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_message_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    registrar_id: Mapped[int | None] = mapped_column(nullable=True, index=True)
    link_token_hash: Mapped[str | None] = mapped_column(String(64))
    link_expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class Unit(Base):
    """A library, school, higher-education unit or other community that registers customers."""

    __tablename__ = "units"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[UnitKind] = mapped_column(_enum(UnitKind))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


registrar_units = Table(
    "registrar_units",
    Base.metadata,
    Column("registrar_id", ForeignKey("registrars.id", ondelete="CASCADE"), primary_key=True),
    Column("unit_id", ForeignKey("units.id", ondelete="CASCADE"), primary_key=True),
    # Main user of this unit, or an ordinary registrar of it: a role belongs to the membership.
    Column(
        "role",
        _enum(RegistrarRole),
        nullable=False,
        default=RegistrarRole.registrar,
        server_default=RegistrarRole.registrar.value,
    ),
)


class UnitMembership(Base):
    """A registrar's membership of a unit, with the role they have in that unit only."""

    __table__ = registrar_units

    registrar_id: Mapped[int]
    unit_id: Mapped[int]
    role: Mapped[RegistrarRole]


class Registrar(Base):
    """A registrar's own account (seed 003); a main user also manages the unit's registrars."""

    __tablename__ = "registrars"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    language: Mapped[str] = mapped_column(String(2), default="fi")
    status: Mapped[RegistrarStatus] = mapped_column(
        _enum(RegistrarStatus), default=RegistrarStatus.unverified
    )
    password_hash: Mapped[str | None] = mapped_column(String(255))
    password_changed_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked: Mapped[bool] = mapped_column(Boolean, default=False)
    locked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    email_verified_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)

    units: Mapped[list[Unit]] = relationship(secondary=registrar_units, order_by=Unit.id)
    memberships: Mapped[list[UnitMembership]] = relationship(viewonly=True)

    def role_in(self, unit_id: int) -> RegistrarRole:
        """The role this registrar has in that unit (registrar when not a member)."""
        roles = (m.role for m in self.memberships if m.unit_id == unit_id)
        return next(roles, RegistrarRole.registrar)

    def is_main_user_of(self, unit_id: int) -> bool:
        return self.role_in(unit_id) == RegistrarRole.main_user


class StaffUser(Base):
    """A Celia staff member who decides requests and handles escalations."""

    __tablename__ = "staff_users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    role: Mapped[StaffRole] = mapped_column(_enum(StaffRole), default=StaffRole.agent)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class SecondFactor(Base):
    """A TOTP secret (RFC 6238) of a staff user or a registrar, encrypted at rest.

    `last_step` is the time step of the last accepted code, so a code works once."""

    __tablename__ = "second_factors"

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_users.id", ondelete="CASCADE"), unique=True
    )
    registrar_id: Mapped[int | None] = mapped_column(
        ForeignKey("registrars.id", ondelete="CASCADE"), unique=True
    )
    secret_encrypted: Mapped[str] = mapped_column(Text)
    confirmed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    last_step: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)

    recovery_codes: Mapped[list["RecoveryCode"]] = relationship(cascade="all, delete-orphan")


class RecoveryCode(Base):
    """A single-use recovery code, stored hashed."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    factor_id: Mapped[int] = mapped_column(
        ForeignKey("second_factors.id", ondelete="CASCADE"), index=True
    )
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class Invitation(Base):
    """A single-use link mailed to a person: register as a unit's main user, or set a first
    staff password. Only the token's hash is kept."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[InvitationKind] = mapped_column(_enum(InvitationKind))
    email: Mapped[str] = mapped_column(String(254))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"))
    staff_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_users.id", ondelete="CASCADE")
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class Customer(Base):
    """A Celia customer. The hetu is kept as an HMAC (look-up) and an encrypted copy only."""

    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(primary_key=True)
    hetu_hmac: Mapped[str | None] = mapped_column(String(64), unique=True)
    hetu_encrypted: Mapped[str | None] = mapped_column(Text)
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str | None] = mapped_column(String(254))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    status: Mapped[CustomerStatus] = mapped_column(
        _enum(CustomerStatus), default=CustomerStatus.active
    )
    delivery: Mapped[Delivery] = mapped_column(_enum(Delivery), default=Delivery.online)
    temporary: Mapped[bool] = mapped_column(Boolean, default=False)
    guardian_consent: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, onupdate=utcnow)

    unit: Mapped[Unit] = relationship()


class AccountToken(Base):
    """A single-use e-mail verification code or password-reset token, stored hashed."""

    __tablename__ = "account_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    registrar_id: Mapped[int] = mapped_column(
        ForeignKey("registrars.id", ondelete="CASCADE"), index=True
    )
    purpose: Mapped[TokenPurpose] = mapped_column(_enum(TokenPurpose))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class WebSession(Base):
    """A logged-in registrar or staff user; the cookie holds the token, the row its hash."""

    __tablename__ = "web_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    registrar_id: Mapped[int | None] = mapped_column(
        ForeignKey("registrars.id", ondelete="CASCADE"), index=True
    )
    staff_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_users.id", ondelete="CASCADE"), index=True
    )
    csrf_token: Mapped[str] = mapped_column(String(64))
    password_change_required: Mapped[bool] = mapped_column(Boolean, default=False)
    stage: Mapped[SessionStage | None] = mapped_column(_enum(SessionStage))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())


class StaffRequest(Base):
    """Something only Celia staff can decide; approval changes the real state.

    One table for all kinds (single-table inheritance) so the console lists and counts them
    together; the subclasses below name the domain's request types.
    """

    __tablename__ = "staff_requests"
    __mapper_args__: Mapping[str, Any] = {"polymorphic_on": "kind"}

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[RequestKind] = mapped_column(_enum(RequestKind), index=True)
    status: Mapped[RequestStatus] = mapped_column(
        _enum(RequestStatus), default=RequestStatus.open, index=True
    )
    registrar_id: Mapped[int] = mapped_column(ForeignKey("registrars.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"))
    target_registrar_id: Mapped[int | None] = mapped_column(ForeignKey("registrars.id"))
    conversation_id: Mapped[str | None] = mapped_column(String(32))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    decision_note: Mapped[str | None] = mapped_column(String(2000))
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)

    registrar: Mapped[Registrar] = relationship(foreign_keys=[registrar_id])
    target_registrar: Mapped[Registrar | None] = relationship(foreign_keys=[target_registrar_id])
    customer: Mapped[Customer | None] = relationship()
    unit: Mapped[Unit | None] = relationship()

    @property
    def reference(self) -> str:
        return f"REQ-{self.id:06d}"


class ReactivationRequest(StaffRequest):
    """Bring back a customer marked for deletion, into the requester's unit."""

    __mapper_args__: Mapping[str, Any] = {"polymorphic_identity": RequestKind.reactivation}


class UnlockRequest(StaffRequest):
    """Open a registrar account locked after failed log-ins (the requester is the account)."""

    __mapper_args__: Mapping[str, Any] = {"polymorphic_identity": RequestKind.unlock}


class DeliveryChangeRequest(StaffRequest):
    """Move a customer from CD loans to online use."""

    __mapper_args__: Mapping[str, Any] = {"polymorphic_identity": RequestKind.delivery_change}


class RegistrarRemovalRequest(StaffRequest):
    """Remove a registrar from a unit where the unit's main user cannot."""

    __mapper_args__: Mapping[str, Any] = {"polymorphic_identity": RequestKind.registrar_removal}


class Escalation(Base):
    """A chat conversation handed to Celia staff."""

    __tablename__ = "escalations"

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[str] = mapped_column(String(32), index=True)
    reason: Mapped[EscalationReason] = mapped_column(_enum(EscalationReason))
    transcript: Mapped[str] = mapped_column(Text)  # redacted before it is stored
    status: Mapped[EscalationStatus] = mapped_column(
        _enum(EscalationStatus), default=EscalationStatus.open, index=True
    )
    registrar_id: Mapped[int | None] = mapped_column(ForeignKey("registrars.id"))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, onupdate=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    language: Mapped[str] = mapped_column(String(2), default="fi", server_default="fi")
    # Since the registrar's oldest message no staff reply has answered; None: answered.
    waiting_since: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=utcnow)
    # An anonymous registrar's address for the answer only; deleted with the escalation.
    contact_email: Mapped[str | None] = mapped_column(String(254))

    messages: Mapped[list["EscalationMessage"]] = relationship(
        order_by="EscalationMessage.id", cascade="all, delete-orphan"
    )

    @property
    def reference(self) -> str:
        return f"ESC-{self.id:06d}"


class EscalationMessage(Base):
    """A staff note (internal) or reply (shown to the registrar in the chat widget)."""

    __tablename__ = "escalation_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    escalation_id: Mapped[int] = mapped_column(
        ForeignKey("escalations.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[MessageKind] = mapped_column(_enum(MessageKind))
    author_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    fetched_at: Mapped[datetime | None] = mapped_column(UtcDateTime())  # by the chat widget
    emailed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class CannedReply(Base):
    """A short reply template the staff insert into a reply, in the three languages."""

    __tablename__ = "canned_replies"
    __table_args__ = (UniqueConstraint("title", name="uq_canned_replies_title"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(120))
    text_fi: Mapped[str] = mapped_column(Text)
    text_sv: Mapped[str] = mapped_column(Text)
    text_en: Mapped[str] = mapped_column(Text)
    updated_by_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id"))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, onupdate=utcnow)

    def text(self, language: str) -> str:
        return {"sv": self.text_sv, "en": self.text_en}.get(language, self.text_fi)


class AuditEvent(Base):
    """Who did what to which record; details never hold personal data."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_target", "target_kind", "target_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    actor_kind: Mapped[str] = mapped_column(String(16))  # staff, registrar, service
    actor_id: Mapped[int | None] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(64))
    target_kind: Mapped[str] = mapped_column(String(32))
    target_id: Mapped[int | None] = mapped_column(Integer)
    detail: Mapped[str | None] = mapped_column(String(2000))


class OutboxEmail(Base):
    """An e-mail written in the same transaction as the change that causes it.

    `body` holds placeholders for the secret parameters (tokens, codes, links holding one);
    their values wait Fernet-encrypted in `secrets_encrypted` and are deleted once sent."""

    __tablename__ = "outbox_emails"
    __table_args__ = (Index("ix_outbox_emails_due", "sent_at", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    secrets_encrypted: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    last_error: Mapped[str | None] = mapped_column(String(300))


class IdempotencyRecord(Base):
    """The answer given to a creating request, replayed when the same key comes again."""

    __tablename__ = "idempotency_records"
    __table_args__ = (UniqueConstraint("scope", "key", name="uq_idempotency_scope_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(64))
    key: Mapped[str] = mapped_column(String(128))
    fingerprint: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int] = mapped_column(Integer)
    response_body: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class JobLease(Base):
    """When a cluster-wide periodic job may run next: the worker that moves it on runs it."""

    __tablename__ = "job_leases"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    next_run_at: Mapped[datetime] = mapped_column(UtcDateTime())


class AnswerFeedback(Base):
    """A registrar's "Was this helpful?" vote on an FAQ answer; one per entry per conversation.

    The comment is redacted before it is stored (privacy/redaction.py).
    """

    __tablename__ = "answer_feedback"
    __table_args__ = (
        UniqueConstraint("conversation_id", "entry_id", name="uq_answer_feedback_vote"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    conversation_id: Mapped[str] = mapped_column(String(32))
    entry_id: Mapped[str] = mapped_column(String(64), index=True)
    helpful: Mapped[bool] = mapped_column(Boolean)
    comment: Mapped[str | None] = mapped_column(String(1000), nullable=True)


class FaqItemKind(str, enum.Enum):
    entry = "entry"  # an FAQ entry (knowledge/faq/*.yml)
    topic = "topic"  # a not-covered topic (knowledge/out_of_scope.yml)


class FaqVersionStatus(str, enum.Enum):
    draft = "draft"
    approved = "approved"
    published = "published"  # the live version of its item
    superseded = "superseded"  # was live; a later publish replaced it


class FaqItem(Base):
    """An FAQ entry or not-covered topic; its content lives in its versions."""

    __tablename__ = "faq_items"
    __table_args__ = (UniqueConstraint("kind", "key", name="uq_faq_items_kind_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[FaqItemKind] = mapped_column(_enum(FaqItemKind))
    key: Mapped[str] = mapped_column(String(64))  # entry id or topic name
    published_version_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class FaqVersion(Base):
    """One saved state of an item: who wrote it, when, why, and who approved and published it."""

    __tablename__ = "faq_versions"
    __table_args__ = (UniqueConstraint("item_id", "number", name="uq_faq_versions_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("faq_items.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    comment: Mapped[str] = mapped_column(String(500))
    status: Mapped[FaqVersionStatus] = mapped_column(_enum(FaqVersionStatus))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))  # None: import
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    approved_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    published_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class FaqSource(Base):
    """A source document of the library (plain text or Markdown) that entries quote."""

    __tablename__ = "faq_sources"

    name: Mapped[str] = mapped_column(String(120), primary_key=True)  # file name
    titles: Mapped[dict[str, str]] = mapped_column(JSON)  # fi, sv, en
    text: Mapped[str] = mapped_column(Text)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class FaqPublication(Base):
    """A change of the published content; its id is the generation every worker loads."""

    __tablename__ = "faq_publications"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    action: Mapped[str] = mapped_column(String(16))  # import, publish, rollback
    version_id: Mapped[int | None] = mapped_column(Integer)
    staff_id: Mapped[int | None] = mapped_column(Integer)


class ReportDaily(Base):
    """One figure of the staff reports for one office-time day (backend/services/reports.py).

    Counts only, never a person: `metric` names the figure, `key` its breakdown (a language and
    channel, an FAQ entry, a request kind, a waiting time in whole minutes, ...). Rows of
    distinct counts (active registrars, units) also exist for the week and month starting on
    `day` (`key` "week" or "month")."""

    __tablename__ = "report_daily"

    metric: Mapped[str] = mapped_column(String(32), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    key: Mapped[str] = mapped_column(String(96), primary_key=True)
    value: Mapped[int] = mapped_column(Integer)


class ReportDay(Base):
    """A day the report rollup has counted, and when (a day counted after it ended is final)."""

    __tablename__ = "report_days"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    rolled_at: Mapped[datetime] = mapped_column(UtcDateTime())
