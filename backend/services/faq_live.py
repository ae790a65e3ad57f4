"""The FAQ index each backend worker answers from, kept at the published generation.

The database holds the truth (backend/services/faq_content.py); `var/index` built by
`python -m knowledge build` serves only as the first vectors, so a rebuild embeds just the
texts it has not seen. A rebuild runs in a thread beside the requests and is swapped in with
one assignment (`LiveFaq.service`): a request holds the index it started with, none waits.
Every worker polls the latest generation (one indexed `max()`) and builds its own copy, so no
worker depends on another's files; the publishing worker installs the index its gate built.
"""

import asyncio
import logging
import threading

from sqlalchemy.orm import Session, sessionmaker

from backend import audit
from backend.models import FaqVersion, FaqVersionStatus, StaffUser
from backend.periodic import PeriodicTask
from backend.services.errors import Conflict, Invalid
from backend.services.faq_content import (
    Snapshot,
    latest_generation,
    mark_published,
    seed_from_yaml,
    snapshot,
)
from backend.settings import Settings
from knowledge.answering import FaqService
from knowledge.content import validate_entry, validate_topic
from knowledge.evaluation import (
    DEV_SET,
    HELDOUT_SET,
    EvalQuestion,
    GateResult,
    gate,
    load_questions,
)
from knowledge.faq import FaqError
from knowledge.index import build_parts
from knowledge.settings import KnowledgeSettings

log = logging.getLogger(__name__)


class GateRefused(Exception):
    """The regression gate refused a publish; `result` names the broken questions."""

    def __init__(self, result: GateResult) -> None:
        super().__init__("the regression gate refused the publish")
        self.result = result


class LiveFaq:
    def __init__(
        self,
        service: FaqService,
        sessions: sessionmaker[Session],
        settings: Settings,
        knowledge: KnowledgeSettings,
    ) -> None:
        self.service = service  # the index every route reads (api/deps.py: FaqDep)
        self._sessions = sessions
        self._settings = settings
        self._knowledge = knowledge
        self._lock = threading.Lock()  # one build or swap at a time in this worker
        self._sets: dict[str, list[EvalQuestion]] | None = None
        self.generation: int | None = None
        self.task = PeriodicTask(
            "faq-reload",
            lambda: asyncio.to_thread(self.refresh),
            settings.faq_reload_interval_seconds,
        )

    def build(self, content: Snapshot) -> FaqService:
        """An index of `content`, embedding only texts the live index does not hold."""
        try:
            entries = [validate_entry(k, c, content.sources) for k, c in content.entries.items()]
            not_covered = [
                document
                for name, topic in content.topics.items()
                for document in validate_topic(name, topic)
            ]
        except FaqError as error:
            raise Invalid(str(error)) from None
        current = self.service
        known = dict(zip((d["text"] for d in current.documents), current.vectors, strict=True))
        entries.sort(key=lambda e: e.id)
        parts = build_parts(entries, not_covered, content.titles, current.model, known)
        return FaqService(self._knowledge, parts)

    def refresh(self) -> bool:
        """Load the latest published generation if this worker does not serve it yet."""
        with self._lock:
            with self._sessions() as db:
                latest = latest_generation(db)
                if latest is None or latest == self.generation:
                    return False
                content = snapshot(db)
            self.service = self.build(content)
            self.generation = content.generation
        log.info("FAQ generation %s loaded", content.generation)
        return True

    def eval_sets(self) -> dict[str, list[EvalQuestion]]:
        if self._sets is None:
            self._sets = {"dev": load_questions(DEV_SET), "held-out": load_questions(HELDOUT_SET)}
        return self._sets

    def check(self, db: Session, chosen: FaqVersion) -> tuple[Snapshot, FaqService, GateResult]:
        """Build the index as it would be with `chosen` published and run the gate on it."""
        content = snapshot(db, replace=chosen)
        candidate = self.build(content)
        must_answer = [
            EvalQuestion(item["q"], item["lang"], entry_id)
            for entry_id, entry in content.entries.items()
            for item in entry.get("must_answer") or []
        ]
        floors = {
            "dev": self._settings.faq_gate_dev_top1_floor,
            "held-out": self._settings.faq_gate_heldout_top1_floor,
        }
        return (
            content,
            candidate,
            gate(self.service, candidate, self.eval_sets(), floors, must_answer),
        )

    def publish(self, db: Session, staff: StaffUser, chosen: FaqVersion, action: str) -> GateResult:
        """Gate, publish (audited) and swap in; GateRefused names what would break."""
        content, candidate, result = self.check(db, chosen)
        if not result.passed:
            raise GateRefused(result)
        # End the long read before writing: on SQLite a read transaction that outlived other
        # writers' commits could not write; the checks below read afresh.
        db.rollback()
        if (
            latest_generation(db) != content.generation
            or chosen.status != FaqVersionStatus.approved
        ):
            raise Conflict("Someone else published meanwhile; publish again.")
        if chosen.id is None:  # a rollback's copy
            db.add(chosen)
            db.flush()
        generation = mark_published(db, staff, chosen, action)
        audit.record(
            db,
            actor_kind="staff",
            actor_id=staff.id,
            action=f"faq_{action}",
            target_kind="faq_version",
            target_id=chosen.id,
            detail=f"generation {generation}; top-1 {result.top1}",
        )
        db.commit()
        with self._lock:
            self.service = candidate
            self.generation = generation
        return result


def start_live_faq(
    service: FaqService, sessions: sessionmaker[Session], settings: Settings
) -> LiveFaq:
    """Seed an empty database from the YAML, load the published generation (`service`, the
    index built from the YAML, lends its vectors), and poll for new ones. A stub index (tests
    that need no FAQ) is left alone."""
    knowledge = KnowledgeSettings()
    live = LiveFaq(service, sessions, settings, knowledge)
    with sessions() as db:
        seed_from_yaml(db, knowledge)
    if isinstance(service, FaqService):
        live.refresh()
        live.task.start()
    return live
