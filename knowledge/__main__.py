"""`python -m knowledge build [--if-stale]`, `ask "question"` and `export-nlu`.

(The published content's export reads the backend's database: `celia-admin faq export`.)"""

import argparse
import json
import sys

from knowledge.faq import FaqError
from knowledge.index import build_index, is_current
from knowledge.settings import PROJECT_ROOT, KnowledgeSettings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m knowledge")
    commands = parser.add_subparsers(dest="command", required=True)
    build = commands.add_parser("build", help="validate the FAQ and write the index folder")
    build.add_argument("--if-stale", action="store_true", help="skip when the index is current")
    commands.add_parser("export-nlu", help="write the FAQ phrasings to bot/nlu/faq.yml")
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
