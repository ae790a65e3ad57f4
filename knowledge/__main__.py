"""`python -m knowledge build [--if-stale]`, `ask "question"`, `export-nlu` and `export`."""

import argparse
import json
import os
import sys
from pathlib import Path

from knowledge.faq import FaqError
from knowledge.index import build_index, is_current
from knowledge.settings import PROJECT_ROOT, KnowledgeSettings


def export_published(database_url: str | None, target: Path) -> list[Path]:
    """The database's published entries, topics and sources, laid out as knowledge/ is
    (faq/*.yml, out_of_scope.yml, sources/ with catalog.yml under `target`)."""
    from backend.db import Database
    from backend.services.faq_content import snapshot
    from backend.settings import Settings
    from knowledge.content import export_yaml

    url = (
        database_url
        or os.environ.get("DATABASE_URL")
        or Settings.model_fields["database_url"].default
    )
    database = Database(url)
    try:
        with database.sessions() as db:
            content = snapshot(db)
    finally:
        database.engine.dispose()
    return export_yaml(content.entries, content.topics, content.sources, content.titles, target)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m knowledge")
    commands = parser.add_subparsers(dest="command", required=True)
    build = commands.add_parser("build", help="validate the FAQ and write the index folder")
    build.add_argument("--if-stale", action="store_true", help="skip when the index is current")
    commands.add_parser("export-nlu", help="write the FAQ phrasings to bot/nlu/faq.yml")
    export = commands.add_parser("export", help="write the published FAQ content as YAML")
    export.add_argument("--to", type=Path, default=PROJECT_ROOT / "var" / "faq-export")
    export.add_argument("--database-url", default=None, help="default: DATABASE_URL")
    ask = commands.add_parser("ask", help="answer one question from the built index")
    ask.add_argument("question")
    ask.add_argument("--lang", choices=["fi", "sv", "en"])
    args = parser.parse_args(argv)
    settings = KnowledgeSettings()

    if args.command == "build":
        if args.if_stale and is_current(settings):
            print(f"FAQ index is current ({settings.index_dir})")
            return 0
        try:
            manifest = build_index(settings)
        except FaqError as error:
            print(f"FAQ build failed: {error}", file=sys.stderr)
            return 1
        print(
            f"FAQ index built: {manifest['entries']} entries, {manifest['documents']} "
            f"documents in {manifest['build_seconds']} s -> {settings.index_dir}"
        )
        return 0

    if args.command == "export":
        for path in export_published(args.database_url, args.to):
            print(f"written: {path}")
        return 0

    if args.command == "export-nlu":
        from knowledge.faq import load_faq
        from knowledge.nlu_export import export_nlu

        target = PROJECT_ROOT / "bot" / "nlu" / "faq.yml"
        changed = export_nlu(load_faq(settings.faq_dir), target)
        print(f"{target}: {'updated' if changed else 'already current'}")
        return 0

    from knowledge.answering import FaqService

    result = FaqService.load(settings).ask(args.question, args.lang)
    print(json.dumps(result.__dict__, default=lambda o: o.__dict__, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
