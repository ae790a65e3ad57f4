"""Build the intent classifier's input from the sentence features alone, and only those.

Rasa 3.6's LogisticRegressionClassifier asks each message for its combined sparse features,
which joins (and deep-copies) the per-token sequence features too, a matrix per featurizer,
only to keep the sentence row, then stacks it with scipy's general-purpose `hstack`/`vstack`.
That was a third of the NLU pipeline's time under load (py-spy). The same rows are the
message's sentence features side by side, in the featurizers' order, then the dense sentence
features, as Rasa builds them; here they are laid into one CSR matrix directly. The values are
the same, so every prediction is (up to the order of a floating-point sum).

Then the count featurizers made, for every message, a row per token (one `transform` per
token, for words and for character n-grams) that no component of this pipeline reads: the
classifier takes the sentence row, the entity extractor and the fallback read no features. They
now make the sentence row only: parsing a message went from about 1.6 to 1.3 ms of CPU. A
component that reads per-token features (DIET and the response selector, CRF, TED) would need
them back, so a count featurizer refuses to be built, in training or loading, in a graph that
has one: add one to config.yml, and the patch must go first.
"""

from collections.abc import Iterable
from typing import Any

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.nlu.constants import DENSE_FEATURIZABLE_ATTRIBUTES
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import (
    CountVectorsFeaturizer,
)
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, TEXT
from rasa.shared.nlu.training_data.message import Message
from scipy.sparse import coo_matrix, csr_matrix

from rasa_ext.patching import PatchError, Replacement, replace

rasa_create_x = LogisticRegressionClassifier._create_X
rasa_create_features = CountVectorsFeaturizer._create_features
rasa_featurizer_init = CountVectorsFeaturizer.__init__

# Rasa's components that read per-token (sequence) features, and any subclass of them
# (ResponseSelector is a DIETClassifier, UnexpecTEDIntentPolicy a TEDPolicy); by name, so that
# checking does not import TensorFlow.
SEQUENCE_READERS = frozenset({"DIETClassifier", "CRFEntityExtractor", "TEDPolicy"})

SparseRows = list[Any]  # a message's COO matrix, or None


def sentence_row(message: Message) -> tuple[np.ndarray, np.ndarray, int]:
    """One message's row: its values, their columns, and the row's width."""
    values: list[np.ndarray] = []
    columns: list[np.ndarray] = []
    width = 0
    for feature in message.features:
        if feature.attribute != TEXT or feature.type != FEATURE_TYPE_SENTENCE:
            continue
        if feature.is_sparse():
            matrix = coo_matrix(feature.features)
            values.append(matrix.data)
            columns.append(matrix.col + width)
            width += matrix.shape[1]
    dense = message.get_dense_features(attribute=TEXT)[1]
    if dense is not None:
        row = np.asarray(dense.features).reshape(-1)
        values.append(row)
        columns.append(np.arange(row.size) + width)
        width += row.size
    if not values:
        return np.zeros(0), np.zeros(0, dtype=np.int64), 0
    return np.concatenate(values), np.concatenate(columns), width


def sentence_matrix(messages: list[Message]) -> csr_matrix:
    rows = [sentence_row(message) for message in messages]
    widths = {width for _, _, width in rows}
    if len(widths) != 1:
        raise ValueError(f"messages have features of different widths: {sorted(widths)}")
    pointers = np.cumsum([0] + [len(values) for values, _, _ in rows])
    return csr_matrix(
        (
            np.concatenate([values for values, _, _ in rows]),
            np.concatenate([columns for _, columns, _ in rows]),
            pointers,
        ),
        shape=(len(rows), widths.pop()),
    )


def _create_x(self: LogisticRegressionClassifier, messages: list[Message]) -> Any:
    return sentence_matrix(messages)


def sentence_features(
    self: CountVectorsFeaturizer, attribute: str, all_tokens: list[list[str]]
) -> tuple[SparseRows, SparseRows]:
    """`_create_features` with the sentence rows alone (no per-token sequence rows)."""
    vectorizer = self.vectorizers.get(attribute)
    if not vectorizer:
        return [None], [None]
    sentences: SparseRows = []
    for tokens in all_tokens:
        if not tokens or attribute not in DENSE_FEATURIZABLE_ATTRIBUTES:
            sentences.append(None)
            continue
        row = vectorizer.transform([" ".join(tokens)])
        row.sort_indices()
        sentences.append(row.tocoo())
    return [None] * len(all_tokens), sentences


def refuse_sequence_readers(components: Iterable[type]) -> None:
    """Raise PatchError if a component (a class of the model's graph) reads sequence features."""
    readers = sorted(
        component.__name__
        for component in components
        if SEQUENCE_READERS & {cls.__name__ for cls in component.__mro__}
    )
    if readers:
        raise PatchError(
            f"{', '.join(readers)} read per-token features, which rasa_ext.nlu_features does "
            "not make: remove nlu_features.install() from rasa_ext/__init__.py for this pipeline"
        )


def featurizer_init(
    self: CountVectorsFeaturizer,
    config: dict[str, Any],
    model_storage: Any,
    resource: Any,
    execution_context: ExecutionContext,
    *args: Any,
    **kwargs: Any,
) -> None:
    """Rasa's constructor, in a graph without a component that reads sequence features."""
    schema: GraphSchema = execution_context.graph_schema
    refuse_sequence_readers(node.uses for node in schema.nodes.values())
    rasa_featurizer_init(self, config, model_storage, resource, execution_context, *args, **kwargs)


def install() -> None:
    replace(
        Replacement(LogisticRegressionClassifier, "_create_X", ("self", "messages"), _create_x),
        Replacement(
            CountVectorsFeaturizer,
            "_create_features",
            ("self", "attribute", "all_tokens"),
            sentence_features,
        ),
        Replacement(
            CountVectorsFeaturizer,
            "__init__",
            (
                "self",
                "config",
                "model_storage",
                "resource",
                "execution_context",
                "vectorizers",
                "oov_token",
                "oov_words",
            ),
            featurizer_init,
        ),
    )
