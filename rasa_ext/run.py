"""`rasa` as the launcher starts it: `python -m rasa_ext.run run ...` (same arguments).

Two things Rasa's own entry point gets wrong for us. It applies --logging-config-file
(rasa_ext/logging.yml) before it puts the working directory on sys.path, so the config's
redacting filter and formatter cannot be imported and Rasa drops the whole config without a
word; run as a module from the project root, they import. Then it installs coloredlogs on the
root logger, which replaces the configured handler's formatter; skipping that keeps our
formatter (text, or one JSON object a line with the request id when LOG_FORMAT=json).
Python warnings go through logging too, so through the redacting filter: Rasa's own
warnings quote message text ("Failed to parse arguments in line '/inform{...}'").
"""

import logging

from rasa.__main__ import main
from rasa.utils import io as rasa_io

from rasa_ext.patching import Replacement, replace


def _keep_configured_logging(loglevel: object) -> None:
    """Stands in for rasa.utils.io.configure_colored_logging: logging.yml stays in charge."""


def install() -> None:
    replace(
        Replacement(rasa_io, "configure_colored_logging", ("loglevel",), _keep_configured_logging)
    )


if __name__ == "__main__":
    install()
    logging.captureWarnings(True)
    main()
