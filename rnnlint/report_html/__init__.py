"""``rnnlint shapes --format html``: one self-contained page picturing each model.

``picture`` gathers what to draw from the IR and the findings, ``svg`` draws,
``page`` lays out the HTML. The page holds no script, font or link to fetch:
it works offline and from a CI artifact.
"""

from __future__ import annotations

from collections.abc import Sequence

from rnnlint.config import Resolver
from rnnlint.findings import FileResult, Finding
from rnnlint.report_html.page import page
from rnnlint.report_html.picture import ModelPicture, picture


def render(results: Sequence[FileResult], files: Sequence[str]) -> str:
    """The page for the checked files: each model, with its findings where they belong."""
    pictures: list[ModelPicture] = []
    loose: list[Finding] = []
    for result in results:
        if result.module is None:
            continue
        models = {model.id for model in result.module.models}
        pictures.extend(picture(result.module, model, result.findings) for model in result.module.models)
        loose.extend(finding for finding in result.findings if finding.model not in models)
    return page(pictures, loose, files)


def check_for_page(paths: Sequence[str], resolver: Resolver) -> tuple[list[FileResult], list[str]]:
    """Each file's IR and findings, with its own settings (and suppressions); problems as messages."""
    from rnnlint.config import ConfigError
    from rnnlint.files import discover
    from rnnlint.pipeline import check_file, finish

    found = discover(tuple(paths))
    problems = [f"{path}: no such file or directory" for path in found.missing]
    results = []
    for path in found.files:
        try:
            settings = resolver.settings_for(path)
        except ConfigError as error:
            problems.append(str(error))
            continue
        result = finish(check_file(path, settings.rules(), settings.keras, prefilter=False), settings)
        problems.extend(f"{e.span.path}:{e.span.line}:{e.span.column}: {e.code} {e.message}" for e in result.errors)
        results.append(result)
    return results, problems
