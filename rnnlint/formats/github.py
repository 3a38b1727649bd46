"""``--format github``: GitHub Actions workflow commands, which the runner
turns into annotations on the pull request's changed lines."""

from __future__ import annotations

from collections.abc import Sequence

from rnnlint.confirm.display import one_line
from rnnlint.findings import Finding
from rnnlint.fix.report import with_how
from rnnlint.formats.common import Context, cell_prefix, relative_path


def github(findings: Sequence[Finding], context: Context) -> str:
    return "".join(_command(finding) + "\n" for finding in findings)


def _command(finding: Finding) -> str:
    span = finding.span
    properties = [("file", relative_path(span.path))]
    if span.cell is None:  # a notebook's cell lines are not lines of the .ipynb file
        end_column = max(span.end_column - 1, 1)  # rnnlint's end is exclusive, GitHub's inclusive
        if span.end_line <= span.line:
            end_column = max(end_column, span.column)
        properties += [
            ("line", str(span.line)),
            ("col", str(span.column)),
            ("endLine", str(max(span.end_line, span.line))),
            ("endColumn", str(end_column)),
        ]
    properties.append(("title", f"{finding.code} {finding.name}"))
    joined = ",".join(f"{key}={_escape_property(value)}" for key, value in properties)
    return f"::error {joined}::{_escape_data(cell_prefix(span) + with_how(finding.text, finding) + one_line(finding))}"


def _escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")
