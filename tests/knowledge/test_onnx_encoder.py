"""The ONNX runtime embeds as sentence-transformers does, exports once, and stays per-text."""

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from knowledge import onnx_encoder
from knowledge.embedding import TorchEncoder, resolve_model_path, runtime_for
from knowledge.index import content_hash
from knowledge.onnx_encoder import OnnxEncoder, exportable, exported_path
from knowledge.settings import PACKAGED_MODEL, KnowledgeSettings

QUESTIONS = [
    "Kuka voi olla Celian asiakas?",
    "Asiakkaalla ei ole henkilötunnusta, miten rekisteröin hänet?",
    "Hetu on käytössä mutta en löydä asiakasta",
    "Unohdin salasanani eikä kirjautuminen onnistu, tili on lukittu",
    "Vem kan registreras som kund hos Celia?",
    "Behövs vårdnadshavarens samtycke för ett barn?",
    "Can I register a customer by a phone interview?",
    "How long is a fixed-term customer registered for?",
]
LONG = " ".join(["Asiakas on lukihäiriöinen koululainen, ja hänen huoltajansa soitti."] * 12)


@pytest.fixture(scope="module")
def model_dir() -> Path:
    return Path(resolve_model_path(PACKAGED_MODEL))


@pytest.fixture(scope="module")
def torch_vectors() -> np.ndarray:
    return TorchEncoder(PACKAGED_MODEL, threads=1).encode(QUESTIONS)


def _cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return (a * b).sum(axis=1)


def test_int8_vectors_stay_close_to_pytorch(
    model_dir: Path, torch_vectors: np.ndarray, tmp_path: Path
) -> None:
    encoder = OnnxEncoder(model_dir, tmp_path, quantized=True, threads=1)
    vectors = encoder.encode(QUESTIONS)
    assert vectors.shape == torch_vectors.shape
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    cosines = _cosines(vectors, torch_vectors)
    assert cosines.min() > 0.97 and cosines.mean() > 0.985
    # Still ranks like PyTorch: each question's nearest other question is the same.
    others = ~np.eye(len(QUESTIONS), dtype=bool)
    nearest = np.where(others, vectors @ vectors.T, -1).argmax(axis=1)
    expected = np.where(others, torch_vectors @ torch_vectors.T, -1).argmax(axis=1)
    assert (nearest == expected).mean() >= 0.75


def test_fp32_export_gives_pytorchs_vectors_in_any_batch(
    model_dir: Path, torch_vectors: np.ndarray, tmp_path: Path
) -> None:
    encoder = OnnxEncoder(model_dir, tmp_path, quantized=False, threads=1)
    batched = encoder.encode([LONG, *QUESTIONS])[1:]  # padded beside a long text
    assert _cosines(batched, torch_vectors).min() > 0.9999
    alone = np.stack([encoder.encode([q])[0] for q in QUESTIONS])
    assert _cosines(alone, batched).min() > 0.9999


def test_an_int8_vector_does_not_depend_on_its_batch(model_dir: Path, tmp_path: Path) -> None:
    encoder = OnnxEncoder(model_dir, tmp_path, quantized=True, threads=1)
    together = encoder.encode([LONG, *QUESTIONS])[1:]
    alone = np.stack([encoder.encode([q])[0] for q in QUESTIONS])
    assert np.array_equal(together, alone)
    assert encoder.encode([]).shape == (0, together.shape[1])


def test_the_export_is_made_once_and_reused(
    model_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    OnnxEncoder(model_dir, tmp_path, quantized=True, threads=1)
    path = exported_path(model_dir, tmp_path, quantized=True)
    assert path.is_file() and list(tmp_path.iterdir()) == [path]  # no temporary left behind

    def no_second_export(*args: object) -> None:
        raise AssertionError("exported again")

    monkeypatch.setattr(onnx_encoder, "export", no_second_export)
    OnnxEncoder(model_dir, tmp_path, quantized=True, threads=1).encode(["Hei"])


def test_changed_model_files_get_their_own_export(model_dir: Path, tmp_path: Path) -> None:
    copy = tmp_path / "model"
    shutil.copytree(model_dir, copy)
    before = exported_path(copy, tmp_path, quantized=True)
    config = json.loads((copy / "config.json").read_text())
    config["layer_norm_eps"] = 1e-6
    (copy / "config.json").write_text(json.dumps(config))
    assert exported_path(copy, tmp_path, quantized=True) != before
    assert exported_path(copy, tmp_path, quantized=False) != before


def test_only_local_mean_pooling_models_run_on_onnx(model_dir: Path, tmp_path: Path) -> None:
    settings = KnowledgeSettings(embedding_runtime="onnx-int8")
    assert runtime_for(PACKAGED_MODEL, settings) == "onnx-int8"
    assert runtime_for("sentence-transformers/some-hub-model", settings) == "torch"
    copy = tmp_path / "cls-model"
    shutil.copytree(model_dir, copy)
    pooling = copy / "1_Pooling" / "config.json"
    config = json.loads(pooling.read_text())
    config.update(pooling_mode_mean_tokens=False, pooling_mode_cls_token=True)
    pooling.write_text(json.dumps(config))
    assert exportable(model_dir) and not exportable(copy)
    assert runtime_for(str(copy), settings) == "torch"
    with pytest.raises(ValueError, match="EMBEDDING_RUNTIME"):
        runtime_for(PACKAGED_MODEL, KnowledgeSettings(embedding_runtime="tensorflow"))


def test_another_runtime_makes_the_index_stale() -> None:
    hashes = {
        content_hash(KnowledgeSettings(embedding_runtime=runtime))
        for runtime in ("onnx-int8", "onnx", "torch")
    }
    assert len(hashes) == 3
