"""The documents say only what is true of the code: links, config keys and make targets.

README.md and docs/*.md are read as Markdown (code blocks and inline code included where a key
or a command stands in them). What the stack reads is not listed by hand: it is recorded by
running the stack's own config loader with a getter that notes every key asked for.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from pathlib import Path

import pytest

from cognito_password_reset import ratelimit, runcap
from stack import config as stack_config

ROOT = Path(__file__).resolve().parents[2]
DOCS = sorted([ROOT / "README.md", *(ROOT / "docs").glob("*.md")])
NAMESPACE = "cognito-password-reset:"
LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)\)")
FENCE = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = heading.strip().lower().replace("`", "")
    kept = "".join(c for c in text if c in " -_" or unicodedata.category(c)[0] in "LN")
    return kept.replace(" ", "-")


@cache
def anchors(path: Path) -> frozenset[str]:
    seen: dict[str, int] = {}
    found = set()
    for line in FENCE.sub("", path.read_text()).splitlines():
        if match := re.match(r"#{1,6} (.+)", line):
            base = slug(match.group(1))
            count = seen.get(base, 0)
            seen[base] = count + 1
            found.add(base if count == 0 else f"{base}-{count}")
    return frozenset(found)


def links(path: Path) -> list[str]:
    return LINK.findall(FENCE.sub("", path.read_text()))


def test_the_documents_are_there() -> None:
    names = {p.relative_to(ROOT).as_posix() for p in DOCS}
    assert {"README.md", "docs/reference.md", "docs/stack.md", "docs/operations.md", "docs/performance.md",
            "docs/verification.md", "docs/architecture.md"} <= names


def broken_links(doc: Path) -> list[str]:
    """Each relative link of ``doc`` whose file or heading anchor does not exist, with why."""
    broken = []
    for target in links(doc):
        if re.match(r"[a-z]+:", target):
            continue  # https:, mailto:: not ours to check offline
        file, _, anchor = target.partition("#")
        path = (doc.parent / file).resolve() if file else doc
        if not path.exists():
            broken.append(f"{target}: no such file")
        elif anchor and (path.suffix != ".md" or anchor not in anchors(path)):
            broken.append(f"{target}: no heading with that anchor in {path.name}")
    return broken


@pytest.mark.parametrize("doc", DOCS, ids=[p.name for p in DOCS])
def test_every_relative_link_and_anchor_resolves(doc: Path) -> None:
    assert broken_links(doc) == []


@cache
def keys_the_stack_reads() -> frozenset[str]:
    asked: list[str] = []

    def get(key: str) -> str | None:
        asked.append(key)
        return None

    stack_config.load(get, has_test_account_password=True, root=ROOT)
    # The program itself reads the password (a secret) besides what load() asks.
    return frozenset([*asked, stack_config.TEST_ACCOUNT_PASSWORD])


PROVIDER_KEYS = frozenset(k.removeprefix(NAMESPACE) for k in (ratelimit.CONFIG_KEY, ratelimit.READS_CONFIG_KEY,
                                                             runcap.CONFIG_KEY))
"""Keys the provider reads, in the package's namespace (the same as this project's)."""


def config_table_keys() -> set[str]:
    text = (ROOT / "docs" / "stack.md").read_text()
    section = text[text.index("## The stack's config"):]
    section = section[:section.index("\n## ", 1)]
    return set(re.findall(r"^\| `([A-Za-z]+)` \|", section, re.MULTILINE))


def test_the_config_table_lists_exactly_the_keys_the_stack_and_provider_read() -> None:
    assert config_table_keys() == keys_the_stack_reads() | PROVIDER_KEYS


def named_keys(text: str) -> set[str]:
    """Stack config keys a document names: ``cognito-password-reset:<key>`` anywhere, and the root
    key of every ``pulumi config set``/``rm`` that is not another provider's (``aws:``)."""
    named = set(re.findall(rf"{NAMESPACE}([A-Za-z]+)", text))
    for rest in re.findall(r"pulumi config (?:set|rm) ([^`\n]+)", text):
        words = iter(rest.split())
        for word in words:
            if word in ("--type", "--stack", "-s"):
                next(words, None)  # the flag's value
            elif not word.startswith("-"):
                key = word.strip("'\"")
                if ":" not in key or key.startswith(NAMESPACE):
                    named.add(re.split(r"[.\[]", key.removeprefix(NAMESPACE))[0])
                break
    return named


@pytest.mark.parametrize("doc", DOCS, ids=[p.name for p in DOCS])
def test_every_config_key_a_document_names_is_read_by_the_stack_or_the_provider(doc: Path) -> None:
    unknown = named_keys(doc.read_text()) - keys_the_stack_reads() - PROVIDER_KEYS
    assert unknown == set()


def make_targets() -> set[str]:
    targets = set()
    for line in (ROOT / "Makefile").read_text().splitlines():
        if (match := re.match(r"^([a-z][a-z -]*):(?!=)", line)) and not line.startswith("."):
            targets.update(match.group(1).split())
    return targets


def named_make_targets(text: str) -> set[str]:
    """The targets of every ``make <target>`` in a document's code blocks and inline code."""
    code = "\n".join(FENCE.findall(text) + re.findall(r"`([^`\n]+)`", text))
    return set(re.findall(r"\bmake ([a-z][a-z-]*)", code))


@pytest.mark.parametrize("doc", DOCS, ids=[p.name for p in DOCS])
def test_every_make_target_a_document_names_exists(doc: Path) -> None:
    assert named_make_targets(doc.read_text()) - make_targets() == set()


def test_the_checks_catch_what_they_are_for(tmp_path: Path) -> None:
    # The rules above, shown failing on a document that breaks each of them.
    bad = tmp_path / "bad.md"
    bad.write_text("# Title\n[x](#nowhere) [y](missing.md) `make deploy` "
                   "`pulumi config set rotationTrigers 1` cognito-password-reset:maxResetPerRun\n")
    assert "nowhere" not in anchors(bad) and not (tmp_path / "missing.md").exists()
    # The checkers themselves, not only their inputs: each finds the break it is for.
    assert broken_links(bad) == ["#nowhere: no heading with that anchor in bad.md", "missing.md: no such file"]
    assert named_make_targets(bad.read_text()) - make_targets() == {"deploy"}
    assert links(ROOT / "README.md") != []  # the README links to the documents: the pattern still matches
    assert named_keys(bad.read_text()) - keys_the_stack_reads() - PROVIDER_KEYS == {"rotationTrigers",
                                                                                  "maxResetPerRun"}
    assert "deploy" not in make_targets() and {"test", "up", "bench"} <= make_targets()
    assert slug("Run the stack locally (`make up`)") == "run-the-stack-locally-make-up"
