"""claimtrack's spaCy components own their data: given by ``initialize``, saved with the pipeline, read once.

Built the way spaCy tests its span_ruler (``spacy/tests/pipeline/test_span_ruler.py``): a component with data is
saved, loaded into a fresh blank pipeline and compared; then the whole pipeline goes to disk and back and must give
the same claims on the sample article's sentences.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
import spacy
from spacy.language import Language

from core.config import SeedFile
from core.errors import ConfigError
from core.settings import SEEDS_DIR, SeedPaths
from extractors.article import split_date_header
from extractors.component_files import ComponentFiles
from extractors.linking.roles import parse_roles
from extractors.nlp import SEEDED_COMPONENTS, TextItem, build_pipeline, extract_claims, extractor_version, seed_files
from extractors.pipeline import extract_by_source
from extractors.seeds import load_seeds, process_seeds
from tests.conftest import SEED_ARTICLE
from tests.test_workers import MODEL, page  # the worker tests' model and page maker


def sample_article() -> tuple[list[str], date]:
    """The sample article's paragraphs, and the date its statements were made."""
    text, published, _ = split_date_header(SEED_ARTICLE.read_text(encoding="utf-8"))
    assert published is not None
    return [p.strip() for p in text.split("\n\n") if p.strip()], published.date()


def component(nlp: Language, name: str) -> ComponentFiles:
    pipe = nlp.get_pipe(name)
    assert isinstance(pipe, ComponentFiles)
    return pipe


def contents(pipe: ComponentFiles) -> list[tuple[str, bytes]]:
    return [(file.name, file.data) for file in pipe.seed_files]


@pytest.mark.parametrize("name", SEEDED_COMPONENTS)
def test_component_serialize_dir(nlp: Language, name: str, tmp_path: Path) -> None:
    ruler = component(nlp, name)
    assert [file.name for file in ruler.seed_files] == list(ruler.file_names)
    ruler.to_disk(tmp_path / name)
    assert sorted(p.name for p in (tmp_path / name).iterdir()) == sorted(ruler.file_names)
    new_nlp = spacy.blank("en")
    new_ruler = new_nlp.add_pipe(name)
    assert isinstance(new_ruler, ComponentFiles) and new_ruler.seed_files == ()
    new_ruler.from_disk(tmp_path / name)
    assert contents(new_ruler) == contents(ruler)
    assert getattr(new_ruler, "fingerprint", None) == getattr(ruler, "fingerprint", None)
    with pytest.raises(ConfigError, match=f"the saved {name} component lacks its seed file"):
        new_ruler.from_disk(tmp_path / "non_existing_dir")


@pytest.mark.parametrize("name", SEEDED_COMPONENTS)
def test_component_serialize_bytes(nlp: Language, name: str) -> None:
    ruler = component(nlp, name)
    new_ruler = spacy.blank("en").add_pipe(name)
    assert isinstance(new_ruler, ComponentFiles)
    new_ruler.from_bytes(ruler.to_bytes())
    assert contents(new_ruler) == contents(ruler)


def test_a_component_without_data_says_how_to_give_it() -> None:
    blank = spacy.blank("en")
    linker = blank.add_pipe("government_linker")
    with pytest.raises(ConfigError, match="government_linker component has no seed data: build the pipeline with"):
        blank("China said so.")
    with pytest.raises(ConfigError, match="initialize needs its data"):
        linker.initialize(lambda: [], nlp=blank)


def test_a_saved_pipeline_gives_the_same_claims(nlp: Language, tmp_path: Path) -> None:
    nlp.to_disk(tmp_path / "pipeline")
    # The data sits beside the pipeline as the seed files' own bytes; the config names no file.
    saved = tmp_path / "pipeline" / "government_linker" / "actors.csv"
    assert saved.read_bytes() == (SEEDS_DIR / "actors.csv").read_bytes()
    assert "seeds/" not in (tmp_path / "pipeline" / "config.cfg").read_text(encoding="utf-8")

    loaded = spacy.load(tmp_path / "pipeline")
    assert loaded.pipe_names == nlp.pipe_names
    assert extractor_version(loaded) == extractor_version(nlp)
    paragraphs, published = sample_article()
    items = [TextItem("\n\n".join(paragraphs), published), *(TextItem(p, published) for p in paragraphs)]
    ours = list(extract_claims(nlp, items))
    theirs = list(extract_claims(loaded, items))
    assert theirs == ours
    whole = ours[0]
    assert len(whole) == 16 and {c.government for c in whole} >= {"CHN", "RUS", "UKR"}
    assert any(c.topics for c in whole) and any(c.subjects for c in whole)
    assert sum(len(claims) for claims in ours[1:]) >= 14


READS_OF_THE_ACTORS_FILE = """
import os, sys
actors = os.environ["CLAIMTRACK_ACTORS"]
opened = []


def count_opens(event, args):  # every open() of the file, by whoever opens it
    if event == "open" and isinstance(args[0], (str, os.PathLike)) and os.fspath(args[0]) == actors:
        opened.append(args[1])


sys.addaudithook(count_opens)
from extractors.nlp import load_pipeline
from extractors.seeds import process_seeds
from positions.features import StatementText, analyse, features_version

first = load_pipeline()
second = load_pipeline(cue_classes="speech")  # another pipeline: the model is loaded again, the data is not
assert first is not second and load_pipeline() is first
linkers = [nlp.get_pipe("government_linker").linker for nlp in (first, second)]
assert all(linker.actors is process_seeds().actors for linker in linkers)
features_version(first.meta)
analyse(first, [StatementText(statement_id="s", content="Wang Yi said China wants peace.", government="CHN")])
print(len(opened))
"""


def test_the_actors_file_is_read_once_per_process(tmp_path: Path) -> None:
    actors = tmp_path / "actors.csv"
    actors.write_bytes((SEEDS_DIR / "actors.csv").read_bytes())
    env = {**os.environ, "CLAIMTRACK_ACTORS": str(actors)}
    run = subprocess.run(
        [sys.executable, "-c", READS_OF_THE_ACTORS_FILE], env=env, capture_output=True, text=True, timeout=300
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "1"


def test_workers_extract_with_the_parents_data(nlp: Language, tmp_path: Path) -> None:
    """A pipeline built from an edited topics file: the worker processes tag with the parent's topics (sent to
    them), not with the topics file the settings name, and their claims carry the parent's version."""
    topics = tmp_path / "topics.toml"
    topics.write_text(
        (SEEDS_DIR / "topics.toml").read_text(encoding="utf-8")
        + '\n[[topic]]\nid = "jeddah"\nlabel = "Jeddah talks"\ndescription = "The August 2023 Jeddah meeting."\n'
        'terms = ["Jeddah talks"]\n',
        encoding="utf-8",
    )
    parent = build_pipeline(MODEL, load_seeds(SeedPaths(topics=topics)))
    assert extractor_version(parent) != extractor_version(nlp)
    assert {file.name for file in seed_files(parent)} == {file.name for file in process_seeds().files}
    text = SEED_ARTICLE.read_bytes()
    pages = [page(f"http://b.test/seed-{i}", text, "text/plain; charset=utf-8", "b") for i in range(2)]
    spread = extract_by_source(pages, {}, parent, processes=2, model=MODEL)
    assert [a.claims_version for a in spread.articles] == [extractor_version(parent)] * 2
    for article in spread.articles:
        assert [(c.speaker_canonical, t) for c in article.claims for t in c.topic_ids if t == "jeddah"] == [
            ("Kyiv", "jeddah")
        ]


def test_a_roles_table_names_title_countries_by_code() -> None:
    table = "senator\tlegislature\town\tUSA AUS\nminister\tgovernment\town\n"
    roles = parse_roles(SeedFile("roles.tsv", table.encode(), "roles.tsv"))
    assert [(r.term, r.countries) for r in roles.terms.values()] == [
        ("senator", frozenset({"USA", "AUS"})),
        ("minister", frozenset()),
    ]
    never = parse_roles(SeedFile("roles.tsv", b"president\thead_of_state\trel\tnot GBR JPN\n", "roles.tsv"))
    president = next(iter(never.terms.values()))
    assert (president.allows("USA"), president.allows("JPN")) == (True, False)
    with pytest.raises(ConfigError, match=r"roles.tsv:1: countries 'USA, Australia' must be three-letter codes"):
        parse_roles(SeedFile("roles.tsv", b"senator\tlegislature\town\tUSA, Australia\n", "roles.tsv"))
