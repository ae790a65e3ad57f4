"""Development SMTP server: `make run` starts it so the backend's mail has a real SMTP hop.

Every message is written to MAIL_DIR (var/mail) as an .eml file to open in any mail reader.
Not for production: there, SMTP_HOST/SMTP_PORT point to the organisation's mail server.
"""

import argparse
import asyncio
import time
from pathlib import Path

from aiosmtpd.controller import Controller


class SaveToFolder:
    """Names sort in arrival order (wall-clock nanoseconds, then a counter for ties), and each
    file appears whole: it is written under a hidden name and renamed."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.folder.mkdir(parents=True, exist_ok=True)
        self.received = 0

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        content = envelope.original_content or envelope.content  # type: ignore[attr-defined]  # set by aiosmtpd, not in its stubs
        self.received += 1
        now = time.time_ns()
        stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime(now // 10**9))
        name = f"{stamp}-{now % 10**9:09d}-{self.received:06d}.eml"
        partial = self.folder / f".{name}.part"
        partial.write_bytes(content)
        partial.rename(self.folder / name)
        return "250 Message accepted for delivery"


async def serve(port: int, folder: Path) -> None:
    controller = Controller(SaveToFolder(folder), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        await asyncio.Event().wait()
    finally:
        controller.stop()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m launcher.mailcatcher")
    parser.add_argument("--port", type=int, default=8025)
    parser.add_argument("--dir", type=Path, default=Path("var/mail"))
    args = parser.parse_args()
    asyncio.run(serve(args.port, args.dir))


if __name__ == "__main__":
    main()
