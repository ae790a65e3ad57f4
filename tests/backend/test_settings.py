"""Settings added for the registration backend."""

import pytest
from pydantic import ValidationError

from backend.settings import Settings
from tests.helpers import random_secrets


@pytest.mark.parametrize("months", ["0", "6", "12"])
def test_rotation_is_off_6_or_12_months(months: str, monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in {**random_secrets(), "PASSWORD_ROTATION_MONTHS": months}.items():
        monkeypatch.setenv(name, value)
    assert Settings().password_rotation_months == int(months)  # type: ignore[call-arg]


def test_other_rotation_periods_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in {**random_secrets(), "PASSWORD_ROTATION_MONTHS": "7"}.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ValidationError):
        Settings()  # type: ignore[call-arg]
