"""Build the intent classifier's input from the sentence features alone.

Rasa 3.6's LogisticRegressionClassifier asks each message for its combined sparse features,
which joins (and deep-copies) the per-token sequence features too, a matrix per featurizer,
only to keep the sentence row. That was a third of the NLU pipeline's time under load (py-spy).
The same row is the message's sentence features side by side, in the featurizers' order, then
the dense sentence features, as Rasa builds it; so the matrix, and every prediction, is the same.
"""

from typing import Any

from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, TEXT
from rasa.shared.nlu.training_data.message import Message
from scipy.sparse import csr_matrix, hstack, vstack

rasa_create_x = LogisticRegressionClassifier._create_X


def sentence_matrix(messages: list[Message]) -> Any:
    rows = []
    for message in messages:
        parts = [
            feature.features
            for feature in message.features
            if feature.attribute == TEXT
            and feature.type == FEATURE_TYPE_SENTENCE
            and feature.is_sparse()
        ]
        dense = message.get_dense_features(attribute=TEXT)[1]
        sparse = hstack(parts) if len(parts) > 1 else (parts[0] if parts else [])
        rows.append(hstack([csr_matrix(sparse), csr_matrix(dense.features if dense else [])]))
    return vstack(rows)


def _create_x(self: LogisticRegressionClassifier, messages: list[Message]) -> Any:
    return sentence_matrix(messages)


def install() -> None:
    LogisticRegressionClassifier._create_X = _create_x
