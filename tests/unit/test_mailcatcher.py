"""The development SMTP server's files sort in the order the mail arrived, which the browser
tests rely on to pick "the second mail to this address"."""

import asyncio
from pathlib import Path
from types import SimpleNamespace

from launcher.mailcatcher import SaveToFolder
from tests.helpers import run_async


def test_files_sort_in_arrival_order_and_appear_whole(tmp_path: Path) -> None:
    handler = SaveToFolder(tmp_path)

    async def deliver_all() -> None:
        """Over more than a second, so the names cross a second boundary."""
        for number in range(250):
            await asyncio.sleep(0.005)
            envelope = SimpleNamespace(original_content=f"mail {number}".encode(), content=b"")
            assert (
                await handler.handle_DATA(None, None, envelope)
                == "250 Message accepted for delivery"
            )

    run_async(deliver_all())
    files = sorted(tmp_path.glob("*.eml"))
    assert [path.read_text() for path in files] == [f"mail {number}" for number in range(250)]
    assert not list(tmp_path.glob(".*.part"))
