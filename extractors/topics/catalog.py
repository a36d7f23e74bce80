"""The topics file (``seeds/topics.toml``): what each topic is, its terms and patterns, and the examples its
similarity is measured against. Validated on load: a bad entry is a :class:`ConfigError` naming the topic."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from core.config import SeedFile, parse_toml
from core.errors import ConfigError

#: The name the topics file's content is known by (saved beside a pipeline under it, hashed with it).
TOPICS_FILE = "topics.toml"
_TOPIC_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_KEYS = {"id", "label", "description", "terms", "patterns", "examples"}


@dataclass(frozen=True, slots=True)
class Topic:
    topic_id: str
    label: str
    description: str
    terms: tuple[str, ...]
    patterns: tuple[tuple[dict[str, Any], ...], ...] = ()
    #: Short statements typical of the topic, written for it: with the description, what a claim's words are
    #: compared with (``extractors.topics.similarity``).
    examples: tuple[str, ...] = ()


def parse_topics(file: SeedFile) -> list[Topic]:
    """The topics of a topics file, validated: a bad entry is a :class:`ConfigError` naming the topic."""
    path = file.origin
    data = parse_toml(file.text, path)
    entries = data.get("topic")
    if not isinstance(entries, list) or not entries:
        raise ConfigError(f"{path}: no [[topic]] entries")
    topics: list[Topic] = []
    seen: set[str] = set()
    for number, entry in enumerate(entries, start=1):
        topic = _parse_topic(entry, f"{path}: [[topic]] #{number}", path)
        if topic.topic_id in seen:
            raise ConfigError(f"{path}: topic {topic.topic_id!r}: id used twice")
        seen.add(topic.topic_id)
        topics.append(topic)
    return topics


def _parse_topic(entry: Any, where: str, path: str) -> Topic:
    if not isinstance(entry, dict):
        raise ConfigError(f"{where}: expected a table")
    unknown = set(entry) - _KEYS
    if unknown:
        raise ConfigError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
    topic_id = entry.get("id")
    if not isinstance(topic_id, str) or not _TOPIC_ID.match(topic_id):
        raise ConfigError(f"{where}: 'id' must be a lower-case slug such as 'ukraine-war', got {topic_id!r}")
    where = f"{path}: topic {topic_id!r}"
    for key in ("label", "description"):
        if not isinstance(entry.get(key), str) or not entry[key].strip():
            raise ConfigError(f"{where}: '{key}' is required (a non-empty string)")
    terms = _strings(entry, "terms", where)
    examples = _strings(entry, "examples", where)
    patterns = entry.get("patterns", [])
    if not isinstance(patterns, list) or not all(
        isinstance(p, list) and p and all(isinstance(tok, dict) for tok in p) for p in patterns
    ):
        raise ConfigError(f"{where}: 'patterns' must be a list of token patterns (lists of tables)")
    if not terms and not patterns:
        raise ConfigError(f"{where}: give at least one term or pattern")
    return Topic(
        topic_id=topic_id,
        label=entry["label"].strip(),
        description=entry["description"].strip(),
        terms=terms,
        patterns=tuple(tuple(p) for p in patterns),
        examples=examples,
    )


def _strings(entry: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
    values = entry.get(key, [])
    if not isinstance(values, list) or not all(isinstance(v, str) and v.strip() for v in values):
        raise ConfigError(f"{where}: '{key}' must be a list of non-empty strings")
    return tuple(v.strip() for v in values)
