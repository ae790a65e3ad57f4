"""Custom actions: thin adapters between Rasa and the backend's HTTP API.

Rasa SDK registers every Action subclass imported here.
"""

from actions.faq import ActionAnswerFaq
from actions.forms import (
    ValidateDeliveryChangeForm,
    ValidatePasswordResetForm,
    ValidateReactivationForm,
    ValidateUnlockForm,
)
from actions.greeting import ActionGreet
from actions.handoff import ActionHandoff
from actions.offers import (
    ActionDeclineOffer,
    ActionOfferDeliveryChange,
    ActionOfferReactivation,
    ActionOfferUnlock,
)
from actions.requests import (
    ActionFileDeliveryChange,
    ActionFileReactivation,
    ActionFileUnlockRequest,
    ActionRequestPasswordReset,
)

__all__ = [
    "ActionAnswerFaq",
    "ActionDeclineOffer",
    "ActionFileDeliveryChange",
    "ActionFileReactivation",
    "ActionFileUnlockRequest",
    "ActionGreet",
    "ActionHandoff",
    "ActionOfferDeliveryChange",
    "ActionOfferReactivation",
    "ActionOfferUnlock",
    "ActionRequestPasswordReset",
    "ValidateDeliveryChangeForm",
    "ValidatePasswordResetForm",
    "ValidateReactivationForm",
    "ValidateUnlockForm",
]
