"""Sentence embeddings through ONNX Runtime, for models kept in a local folder.

Under load the backend's largest cost was embedding questions with PyTorch: about 17 ms of CPU a
question on one thread. The same transformer exported to ONNX takes about 8.5 ms with the same
vectors; with its weights quantised to int8 per output channel, about 3.5 ms, vectors within
cosine 0.99 of PyTorch's (`python -m benchmarks faq` reports retrieval quality for the runtime in
use). The export runs once per model and runtime, from the local weights (no model hub), and is
kept under EMBEDDING_CACHE_DIR; a worker that finds it loads no PyTorch at all.
"""

import hashlib
import json
import os
import tempfile
import warnings
from pathlib import Path
from typing import Any

import numpy as np

# sentence-transformers' Transformer + mean Pooling (+ Normalize) layout, the only one exported.
TRANSFORMER = "sentence_transformers.models.Transformer"
POOLING = "sentence_transformers.models.Pooling"
NORMALIZE = "sentence_transformers.models.Normalize"
MAX_TOKENS = 128  # registrars' questions and FAQ phrasings are short
INPUTS = ("input_ids", "attention_mask", "token_type_ids")


def exportable(model_dir: Path) -> bool:
    """Whether the folder holds a mean-pooling sentence-transformers model this module runs."""
    try:
        modules = json.loads((model_dir / "modules.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    kinds = [m.get("type") for m in modules]
    if kinds not in ([TRANSFORMER, POOLING], [TRANSFORMER, POOLING, NORMALIZE]):
        return False
    if not (model_dir / "tokenizer.json").is_file():
        return False
    pooling_dir = model_dir / modules[1].get("path", "1_Pooling")
    try:
        pooling = json.loads((pooling_dir / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    modes = {key for key, on in pooling.items() if key.startswith("pooling_mode_") and on}
    return modes == {"pooling_mode_mean_tokens"}


def exported_path(model_dir: Path, cache_dir: Path, quantized: bool) -> Path:
    """Where the export of this model (its exact files) for this runtime is kept."""
    digest = hashlib.sha256()
    for path in sorted(model_dir.glob("*.json")) + sorted(model_dir.glob("*.safetensors")):
        digest.update(path.name.encode())
        digest.update(str(path.stat().st_size).encode())
        if path.suffix == ".json":
            digest.update(path.read_bytes())
    kind = "int8" if quantized else "fp32"
    return cache_dir / f"{model_dir.name}-{digest.hexdigest()[:16]}-{kind}.onnx"


def export(model_dir: Path, target: Path, quantized: bool) -> None:
    """Export the transformer (PyTorch needed here only), quantise it if asked, and move the
    file into place in one rename, so workers starting together never read half a file."""
    import torch
    from transformers import AutoModel, AutoTokenizer

    model = AutoModel.from_pretrained(str(model_dir), attn_implementation="eager").eval()
    tokenizer = AutoTokenizer.from_pretrained(str(model_dir))
    sample = tokenizer(["Miten rekisteröin asiakkaan?"], return_tensors="pt")

    class LastHidden(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            output = self.model(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            )
            return output.last_hidden_state

    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent) as tmp:
        plain = Path(tmp) / "plain.onnx"
        axes = {name: {0: "batch", 1: "tokens"} for name in (*INPUTS, "hidden")}
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the tracer's notes on shapes it fixed as constants
            torch.onnx.export(
                LastHidden(),
                tuple(sample[name] for name in INPUTS),
                str(plain),
                input_names=list(INPUTS),
                output_names=["hidden"],
                dynamic_axes=axes,
                opset_version=17,
                dynamo=False,
            )
        result = plain
        if quantized:
            from onnxruntime.quantization import QuantType, quantize_dynamic

            result = Path(tmp) / "int8.onnx"
            quantize_dynamic(plain, result, per_channel=True, weight_type=QuantType.QInt8)
        os.replace(result, target)


class OnnxEncoder:
    """L2-normalised mean-pooled embeddings, as sentence-transformers computes them."""

    def __init__(self, model_dir: Path, cache_dir: Path, quantized: bool, threads: int) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        self.quantized = quantized
        path = exported_path(model_dir, cache_dir, quantized)
        if not path.is_file():
            export(model_dir, path, quantized)
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        self.session = onnxruntime.InferenceSession(
            str(path), options, providers=["CPUExecutionProvider"]
        )
        self.tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self.tokenizer.enable_truncation(MAX_TOKENS)
        padding = self.tokenizer.padding or {}
        self.tokenizer.enable_padding(
            pad_id=padding.get("pad_id", 0), pad_token=padding.get("pad_token", "[PAD]")
        )
        self.dimensions = int(self._batch(["x"]).shape[1])

    def encode(self, texts: list[str]) -> np.ndarray:
        """Texts of similar length are batched together (as sentence-transformers does): a
        batch is padded to its longest text, and padding is wasted work. The int8 model
        quantises activations with one scale per batch, so there each text goes alone: a
        text's vector must not depend on what else was embedded with it (a worker's rebuild
        embeds only new texts and must match a full build)."""
        batch_size = 1 if self.quantized else 16
        encodings = self.tokenizer.encode_batch(texts) if texts else []
        order = sorted(range(len(texts)), key=lambda i: sum(encodings[i].attention_mask))
        vectors = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        for at in range(0, len(order), batch_size):
            chosen = order[at : at + batch_size]
            vectors[chosen] = self._batch([texts[i] for i in chosen])
        return vectors

    def _batch(self, texts: list[str]) -> np.ndarray:
        encodings = self.tokenizer.encode_batch(texts)
        feed = {
            "input_ids": np.array([e.ids for e in encodings], dtype=np.int64),
            "attention_mask": np.array([e.attention_mask for e in encodings], dtype=np.int64),
            "token_type_ids": np.array([e.type_ids for e in encodings], dtype=np.int64),
        }
        hidden = self.session.run(None, feed)[0]
        mask = feed["attention_mask"][..., None].astype(np.float32)
        pooled = (hidden * mask).sum(axis=1) / np.clip(mask.sum(axis=1), 1e-9, None)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return np.ascontiguousarray(pooled / np.clip(norms, 1e-12, None), dtype=np.float32)
