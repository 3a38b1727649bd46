"""``rnnlint shapes --format html``: the page, opened in a real headless Chromium.

The DOM Chromium builds is checked for each element the page must show (not a
pixel comparison), and a screenshot is taken and its size checked. Without
Chromium these tests are skipped, except in CI (``CI=true``), where they fail.
"""

from __future__ import annotations

import os
import re
import shutil
import struct
import subprocess
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import REPO, rnnlint_process

SEED = REPO / "fixtures" / "seed000_stateful_guide.py"
SHUFFLED = REPO / "fixtures" / "seed000_shuffle_missing.py"
WINDOW = (1200, 1800)


def chromium() -> str:
    """The Chromium binary; skipped (outside CI) or failed (in CI) when it is missing."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        reason = "Chromium is not installed (apt-get install -y chromium; .ci/run installs it)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    return found


def _browser(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [
        chromium(),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp_path / 'profile'}",
        *args,
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    parts: list[Element | str] = field(default_factory=list)
    """Text and child elements, in document order."""

    @property
    def children(self) -> list[Element]:
        return [part for part in self.parts if isinstance(part, Element)]

    @property
    def text(self) -> str:
        return " ".join(" ".join(part if isinstance(part, str) else part.text for part in self.parts).split())

    @property
    def classes(self) -> list[str]:
        return self.attrs.get("class", "").split()

    def find_all(self, tag: str | None = None, css: str | None = None) -> list[Element]:
        found = []
        for child in self.children:
            if (tag is None or child.tag == tag) and (css is None or css in child.classes):
                found.append(child)
            found.extend(child.find_all(tag, css))
        return found

    def find(self, tag: str | None = None, css: str | None = None) -> Element:
        [only] = self.find_all(tag, css)
        return only


class _Builder(HTMLParser):
    VOID = frozenset({"meta", "br", "img", "input", "link", "hr", "path", "line", "rect", "polygon"})

    def __init__(self) -> None:
        super().__init__()
        self.root = Element("#document", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {name: value or "" for name, value in attrs})
        self.stack[-1].parts.append(element)
        if tag not in self.VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].parts.append(Element(tag, {name: value or "" for name, value in attrs}))

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.stack) - 1, 0, -1):
            if self.stack[index].tag == tag:
                del self.stack[index:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].parts.append(data)


def dom(html: str) -> Element:
    builder = _Builder()
    builder.feed(html)
    return builder.root


def _page(tmp_path: Path, *args: str) -> Path:
    output = tmp_path / "model.html"
    result = rnnlint_process("shapes", "--format", "html", "-o", str(output), *args, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    return output


def _rendered(tmp_path: Path, page: Path) -> Element:
    """The DOM as Chromium built it from the page."""
    result = _browser(tmp_path, "--dump-dom", page.as_uri())
    assert result.returncode == 0, result.stderr
    assert "</html>" in result.stdout
    return dom(result.stdout)


def test_the_page_is_self_contained(tmp_path: Path) -> None:
    html = _page(tmp_path, str(SEED)).read_text()
    assert "<script" not in html and "<link" not in html and "@import" not in html
    assert not re.search(r"\b(src|href)=", html)
    assert re.findall(r"url\(([^)]*)\)", html) and all(
        target.startswith("#") for target in re.findall(r"url\(([^)]*)\)", html)
    )
    assert set(re.findall(r"https?://[^\s\"']+", html)) == {"http://www.w3.org/2000/svg"}  # a namespace, not fetched


def test_user_strings_are_escaped(tmp_path: Path) -> None:
    odd = tmp_path / "<b>odd&.py"
    odd.write_text(SEED.read_text().replace("model = Sequential()", "model = Sequential(name='<i>m</i>')"))
    html = _page(tmp_path, str(odd)).read_text()
    assert "<b>odd" not in html and "&lt;b&gt;odd&amp;.py" in html
    assert "<i>m</i>" not in html


def test_seed_page_in_chromium_answers_the_newcomer(tmp_path: Path) -> None:
    page = _page(tmp_path, "--keras", "3", str(SEED))
    document = _rendered(tmp_path, page)
    [model] = document.find_all("section", "model")
    assert "fixtures/seed000_stateful_guide.py:15" in model.find("h2").text

    assert [item.classes[1] for item in model.find_all("li", "role")] == ["batch", "timesteps", "features", "units"]
    assert model.find("li", "batch").text.startswith("32 batch size")
    assert model.find("li", "timesteps").text.startswith("8 timesteps")
    assert model.find("li", "features").text.startswith("16 features")
    assert model.find("li", "units").text.startswith("32 units of LSTM(32)")
    unrelated = model.find("p", "unrelated").text
    assert unrelated.startswith("The two 32s are unrelated: 32 is the batch size")
    assert "32 is the units of LSTM(32)" in unrelated

    block = model.find("svg", "data-block")
    assert [t.text for t in block.find_all("text", "axis")] == ["samples: 320", "timesteps: 8", "features: 16"]
    batches = model.find("svg", "batches")
    assert len(batches.find_all("rect", "batch")) == 5  # 10 batches: the first 3, a gap, the last 2
    assert "320 samples → 10 batches of 32 (in order)" in batches.text
    assert model.find("p", "batching").text == "320 samples, batch size 32: 10 batches of 32."

    stateful = model.find("div", "stateful")
    assert stateful.find("svg", "carry").find("text", "carried").text == "state: 32 numbers"
    assert "row 32 continues row 0, row 33 continues row 1" in stateful.text
    assert "What shuffling would break" in stateful.find("p", "shuffle").text

    layers = model.find_all("div", "layer")
    assert [layer.attrs["data-layer"] for layer in layers] == ["LSTM(32)", "LSTM(32)", "LSTM(32)", "Dense(10)"]
    outputs = [layer.find("p", "shape").find_all("code")[1].text for layer in layers]
    assert outputs == [
        "(32, 8, 32) batch, timesteps, units",
        "(32, 8, 32) batch, timesteps, units",
        "(32, 32) batch, units",
        "(32, 10) batch, units",
    ]
    assert layers[0].find("p", "params").text.startswith("6,272 parameters = 4 x (units x (features + units) + units)")
    unrolled = [layer.find("svg", "unrolled") for layer in layers[:3]]
    assert [len(svg.find_all("rect", "cell")) for svg in unrolled] == [5, 5, 5]  # 8 timesteps: 3, gap, 2
    assert [len(svg.find_all("text", "dropped")) for svg in unrolled] == [0, 0, 4]  # return_sequences=False
    assert "return_sequences=False keeps only the last timestep's output" in unrolled[2].text
    [finding] = model.find_all("div", "finding")
    assert finding in layers[0].children and finding.attrs["data-code"] == "RNN040"
    assert "batch_input_shape" in finding.text

    screenshot = tmp_path / "page.png"
    shot = _browser(tmp_path, f"--screenshot={screenshot}", f"--window-size={WINDOW[0]},{WINDOW[1]}", page.as_uri())
    assert shot.returncode == 0, shot.stderr
    data = screenshot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", data[16:24]) == WINDOW
    assert len(data) > 50_000  # a page drawn, not a blank one


def test_findings_are_drawn_at_the_call_and_shuffling_is_flagged(tmp_path: Path) -> None:
    document = _rendered(tmp_path, _page(tmp_path, str(SHUFFLED)))
    calls = document.find_all("div", "call")
    assert [call.attrs["data-line"] for call in calls] == ["17", "18", "19"]
    assert [[f.attrs["data-code"] for f in call.find_all("div", "finding")] for call in calls] == [
        ["RNN002"],
        ["RNN002"],
        [],
    ]
    assert len(document.find_all("svg", "data-block")) == 1  # the three calls get the same x: drawn once
    assert "This fit shuffles" in document.find("p", "shuffle").text
    assert document.find_all("p", "bad")


def test_an_output_that_cannot_be_written_is_a_clear_error(tmp_path: Path) -> None:
    target = tmp_path / "missing" / "model.html"
    result = rnnlint_process("shapes", "--format", "html", "-o", str(target), str(SEED), cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr == f"rnnlint: error: cannot write {target}: No such file or directory\n"
    printed = rnnlint_process("shapes", "--format", "html", str(SEED), cwd=tmp_path)
    assert printed.returncode == 0 and printed.stdout.startswith("<!DOCTYPE html>")


@pytest.mark.parametrize(
    "path", sorted((REPO / "fixtures").rglob("*.py")), ids=lambda path: str(path.relative_to(REPO))
)
def test_every_fixture_gets_a_section_per_model(path: Path) -> None:
    from rnnlint.config import Resolver
    from rnnlint.report_html import check_for_page, render

    results, problems = check_for_page([str(path)], Resolver())
    html = render(results, [str(path)])
    models = sum(len(result.module.models) for result in results if result.module is not None)
    assert html.count('<section class="model"') == models
    findings = sum(len(result.findings) for result in results)
    assert html.count('<div class="finding"') == findings  # every finding drawn, once
    assert not problems or all("E999" in problem for problem in problems)
