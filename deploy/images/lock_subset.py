"""Part of a hashed lock file, for an image that needs only some of it.

The images install from requirements/*.lock with `pip install --require-hashes --no-deps`, so
every version and hash is the lock's own. Two images need less than a whole lock:
- the action server runs rasa-sdk, not Rasa: `--roots rasa-sdk aiohttp python-stdnum` keeps
  those and what they need (no TensorFlow);
- the backend's runtime runs the FAQ embeddings on ONNX Runtime (the export made at build time
  is in the image): `--without torch` drops PyTorch and what only PyTorch needs, and
  `--without torch --invert` is what its build stage adds to export the model.

The dependency graph is read from pip-compile's `# via` annotations: a package's parents are
listed under it, so the children of a package are the entries that name it. Standard library
only: it runs in the images' build stages (Python 3.10 and 3.11) before anything is installed.

    python3 lock_subset.py requirements/rasa.lock --roots rasa-sdk aiohttp > actions.lock
"""

import argparse
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

REQUIREMENT = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==")
VIA_ONE = re.compile(r"^\s+# via (.+)$")
VIA_MANY = re.compile(r"^\s+# via$")
VIA_ITEM = re.compile(r"^\s+#   (.+)$")
INPUT_FILE = "-r "  # "# via -r requirements/app.in": a root of the lock


def canonical(name: str) -> str:
    """PEP 503 normalised name: `Python_Stdnum` and `python-stdnum` are one package."""
    return re.sub(r"[-_.]+", "-", name).lower()


@dataclass
class Entry:
    name: str
    lines: list[str] = field(default_factory=list)
    parents: set[str] = field(default_factory=set)
    is_root: bool = False


def parse(text: str) -> dict[str, Entry]:
    """The lock's entries by canonical name, each with its own lines (pin, hashes, via)."""
    entries: dict[str, Entry] = {}
    current: Entry | None = None
    in_via = False
    for line in text.splitlines():
        match = REQUIREMENT.match(line)
        if match:
            current = Entry(canonical(match.group(1)))
            entries[current.name] = current
            in_via = False
        if current is None:
            continue  # the header comment
        current.lines.append(line)
        one = VIA_ONE.match(line)
        item = VIA_ITEM.match(line) if in_via else None
        if VIA_MANY.match(line):
            in_via = True
        elif one or item:
            parent = (one or item).group(1).strip()  # type: ignore[union-attr]
            if parent.startswith(INPUT_FILE):
                current.is_root = True
            else:
                current.parents.add(canonical(parent))
    return entries


def subset(entries: dict[str, Entry], roots: set[str], without: set[str]) -> list[str]:
    """Names of `roots` (default: the lock's own roots) and everything they need, in lock
    order, leaving out `without` and what only they need."""
    children: dict[str, set[str]] = {name: set() for name in entries}
    for entry in entries.values():
        for parent in entry.parents:
            children.setdefault(parent, set()).add(entry.name)
    unknown = (roots | without) - entries.keys()
    if unknown:
        raise SystemExit(f"not in the lock file: {', '.join(sorted(unknown))}")
    start = roots or {name for name, entry in entries.items() if entry.is_root}
    keep: set[str] = set()
    pending = list(start - without)
    while pending:
        name = pending.pop()
        if name in keep or name in without:
            continue
        keep.add(name)
        pending.extend(children.get(name, ()))
    return [name for name in entries if name in keep]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("lock", type=Path)
    parser.add_argument("--roots", nargs="*", default=[], help="keep these and their needs")
    parser.add_argument("--without", nargs="*", default=[], help="drop these and their needs")
    parser.add_argument("--invert", action="store_true", help="the entries the subset leaves out")
    args = parser.parse_args(argv)
    entries = parse(args.lock.read_text(encoding="utf-8"))
    names = subset(
        entries, {canonical(r) for r in args.roots}, {canonical(w) for w in args.without}
    )
    if args.invert:
        names = [name for name in entries if name not in names]
    sys.stdout.write(f"# {len(names)} of {len(entries)} entries of {args.lock.name}\n")
    for name in names:
        sys.stdout.write("\n".join(entries[name].lines) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
