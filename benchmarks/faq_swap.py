"""Publishing without a restart: how long the FAQ index takes to rebuild from the database and
swap in, for the current content and for ten times as many entries, and what `/api/v1/ask`
answers cost while a real backend rebuilds and swaps.

Ten times the entries: each entry is copied nine times under new ids with the same texts, so
the embedding cache holds them and the rebuild fits TF-IDF and the vocabulary over ten times
the documents. Embedding new texts is measured apart (texts per second, cold).
"""

import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import numpy as np
from sqlalchemy.orm import Session

from backend.db import Database
from backend.migrate import upgrade
from backend.models import FaqItem, FaqItemKind, FaqPublication, FaqVersion, FaqVersionStatus
from backend.services.faq_content import seed_from_yaml, snapshot
from backend.services.faq_live import LiveFaq
from benchmarks.eval_sets import DEV_SET, load_questions
from knowledge.answering import FaqService
from knowledge.embedding import encode
from knowledge.settings import KnowledgeSettings

SCALES = (1, 10)
ASK_CLIENTS = 4


def _multiply(db: Session, times: int) -> None:
    """Copies of every published entry under new ids (`<id>-copy-<n>`), published."""
    originals = [(i, db.get_one(FaqVersion, i.published_version_id)) for i in db.query(FaqItem)]
    for n in range(1, times):
        for item, version in originals:
            if item.kind != FaqItemKind.entry:
                continue
            copy = FaqItem(kind=FaqItemKind.entry, key=f"{item.key}-copy-{n}")
            db.add(copy)
            db.flush()
            row = FaqVersion(
                item_id=copy.id,
                number=1,
                content=version.content | {"must_answer": []},
                comment="bench copy",
                status=FaqVersionStatus.published,
            )
            db.add(row)
            db.flush()
            copy.published_version_id = row.id
    db.add(FaqPublication(action="bench"))
    db.commit()


def _database(folder: Path, times: int) -> str:
    url = f"sqlite:///{folder / 'bench.db'}"
    upgrade(url)
    database = Database(url)
    with database.sessions() as db:
        seed_from_yaml(db, KnowledgeSettings())
        if times > 1:
            _multiply(db, times)
    database.engine.dispose()
    return url


def rebuild_seconds(url: str, knowledge: KnowledgeSettings, settings: Any) -> dict[str, float]:
    """In process: build the published content (embedding cache warm) and swap it in."""
    database = Database(url)
    live = LiveFaq(FaqService.load(knowledge), database.sessions, settings, knowledge)
    with database.sessions() as db:
        content = snapshot(db)
    timings = []
    for _ in range(3):
        started = time.perf_counter()
        built = live.build(content)
        timings.append(time.perf_counter() - started)
    started = time.perf_counter()
    live.service = built
    swap = time.perf_counter() - started
    database.engine.dispose()
    return {
        "entries": len(built.entries),
        "documents": len(built.documents),
        "rebuild_s": round(min(timings), 3),
        "swap_us": round(swap * 1e6, 2),
    }


def _ask_during(url: str, backend: str, log: Path, texts: list[str]) -> dict[str, float]:
    """p50/p95 of /api/v1/ask from ASK_CLIENTS clients, after one warm-up pass over `texts`:
    5 s steady, then while the backend notices a new generation, rebuilds and swaps (until its
    log says so, plus 1 s; the new index starts with an empty answer cache)."""
    with httpx.Client(base_url=backend, timeout=30) as http:
        for text in texts:
            http.post("/api/v1/ask", json={"question": text})
    steady: list[float] = []
    during: list[float] = []
    errors = 0
    target = steady
    stop = threading.Event()
    lock = threading.Lock()

    def client(offset: int) -> None:
        nonlocal errors
        with httpx.Client(base_url=backend, timeout=30) as http:
            i = offset
            while not stop.is_set():
                started = time.perf_counter()
                reply = http.post("/api/v1/ask", json={"question": texts[i % len(texts)]})
                with lock:
                    target.append((time.perf_counter() - started) * 1000)
                    errors += reply.status_code != 200
                i += ASK_CLIENTS

    threads = [threading.Thread(target=client, args=(n,)) for n in range(ASK_CLIENTS)]
    for thread in threads:
        thread.start()
    time.sleep(5)
    database = Database(url)
    with database.sessions() as db:
        publication = FaqPublication(action="bench")
        db.add(publication)
        db.commit()
        generation = publication.id
    database.engine.dispose()
    with lock:
        target = during
    started = time.perf_counter()
    while f"FAQ generation {generation} loaded" not in log.read_text(errors="replace"):
        if time.perf_counter() - started > 300:
            stop.set()
            raise RuntimeError("the backend never loaded the new FAQ generation")
        time.sleep(0.05)
    noticed = time.perf_counter() - started
    time.sleep(1)
    stop.set()
    for thread in threads:
        thread.join()
    return {
        "steady_p50_ms": round(float(np.percentile(steady, 50)), 1),
        "steady_p95_ms": round(float(np.percentile(steady, 95)), 1),
        "swap_p50_ms": round(float(np.percentile(during, 50)), 1),
        "swap_p95_ms": round(float(np.percentile(during, 95)), 1),
        "swap_requests": len(during),
        "errors": errors,
        "publication_to_swap_s": round(noticed, 2),
    }


def bench_swap(index_dir: Path) -> dict[str, Any]:
    from backend.settings import Settings
    from launcher.secrets_file import new_secrets
    from launcher.services import Ports, ServiceGroup, assistant_services

    knowledge = KnowledgeSettings(index_dir=index_dir)
    texts = [q.text for q in load_questions(DEV_SET)]
    report: dict[str, Any] = {}
    sample = texts[:200]
    encode(knowledge.embedding_model, sample[:10])
    started = time.perf_counter()
    encode(knowledge.embedding_model, sample)
    report["cold_embedding_texts_per_s"] = round(len(sample) / (time.perf_counter() - started), 1)
    for times in SCALES:
        with tempfile.TemporaryDirectory() as tmp:
            url = _database(Path(tmp), times)
            secrets = new_secrets()
            settings = Settings(database_url=url, **{k.lower(): v for k, v in secrets.items()})
            row: dict[str, Any] = rebuild_seconds(url, knowledge, settings)
            ports = Ports.free()
            env = {"DATABASE_URL": url, "LOG_DIR": tmp, "INDEX_DIR": str(index_dir)}
            backend = [s for s in assistant_services(ports, secrets, env) if s.name == "backend"]
            with ServiceGroup(backend, Path(tmp)):
                row |= _ask_during(
                    url, f"http://127.0.0.1:{ports.backend}", Path(tmp) / "backend.log", texts
                )
            report[f"{times}x"] = row
    return report
