"""Inline SVG drawings: the data block, the batches, an unrolled recurrent layer,
the state a stateful model carries between batches.

Each function returns one ``<svg>`` element as text. Every text that comes from
the user's code goes through ``esc``. The colours name the four numbers
everywhere on the page: batch, timesteps, features, units.
"""

from __future__ import annotations

from html import escape

BATCH, STEPS, FEATURES, UNITS, BAD, MUTED = "#1f6feb", "#c4581a", "#1a7f37", "#8250df", "#cf222e", "#8c959f"
MAX_SHOWN = 6
"""Cells or batches drawn before the middle ones are shown as an ellipsis."""


def esc(text: object) -> str:
    return escape(str(text), quote=True)


def _text(
    x: float,
    y: float,
    content: object,
    *,
    size: int = 13,
    fill: str = "#24292f",
    anchor: str = "middle",
    weight: str = "normal",
    css: str = "",
) -> str:
    attributes = f'x="{x:.0f}" y="{y:.0f}" font-size="{size}" fill="{fill}" text-anchor="{anchor}"'
    if weight != "normal":
        attributes += f' font-weight="{weight}"'
    if css:
        attributes += f' class="{css}"'
    return f"<text {attributes}>{esc(content)}</text>"


def _rect(x: float, y: float, width: float, height: float, fill: str, stroke: str = "#24292f", css: str = "") -> str:
    extra = f' class="{css}"' if css else ""
    return (
        f'<rect x="{x:.0f}" y="{y:.0f}" width="{width:.0f}" height="{height:.0f}" rx="3" '
        f'fill="{fill}" stroke="{stroke}"{extra}/>'
    )


def _arrow(x1: float, y1: float, x2: float, y2: float, colour: str, dashed: bool = False) -> str:
    dash = ' stroke-dasharray="5 4"' if dashed else ""
    marker = "arrow-bad" if colour == BAD else "arrow"
    return (
        f'<line x1="{x1:.0f}" y1="{y1:.0f}" x2="{x2:.0f}" y2="{y2:.0f}" stroke="{colour}" stroke-width="2"'
        f'{dash} marker-end="url(#{marker})"/>'
    )


def _svg(width: int, height: int, body: list[str], label: str, css: str) -> str:
    defs = (
        "<defs>"
        '<marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto">'
        '<path d="M0,0 L10,5 L0,10 z" fill="#57606a"/></marker>'
        '<marker id="arrow-bad" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
        f'orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="{BAD}"/></marker>'
        "</defs>"
    )
    return (
        f'<svg class="{css}" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{esc(label)}">{defs}{"".join(body)}</svg>'
    )


def shown_indexes(count: int, limit: int = MAX_SHOWN) -> list[int | None]:
    """The indexes to draw out of ``count``: all, or the first and last ones with None for the gap."""
    if count <= limit:
        return list(range(count))
    head = limit // 2
    return [*range(head), None, *range(count - (limit - head - 1), count)]


def data_block(samples: object, timesteps: object, features: object) -> str:
    """The training data as a box: samples down, timesteps across, features in depth."""
    x, y, width, height, depth = 150, 40, 220, 150, 46
    body = [
        f'<polygon points="{x},{y} {x + depth},{y - 26} {x + width + depth},{y - 26} {x + width},{y}" '
        f'fill="#dafbe1" stroke="{FEATURES}"/>',
        f'<polygon points="{x + width},{y} {x + width + depth},{y - 26} {x + width + depth},{y + height - 26} '
        f'{x + width},{y + height}" fill="#dafbe1" stroke="{FEATURES}"/>',
        _rect(x, y, width, height, "#f6f8fa"),
    ]
    for step in range(1, 8):
        column = x + step * width / 8
        body.append(f'<line x1="{column:.0f}" y1="{y}" x2="{column:.0f}" y2="{y + height}" stroke="#d0d7de"/>')
    body += [
        _text(x - 10, y + height / 2, f"samples: {samples}", fill=BATCH, anchor="end", weight="bold", css="axis"),
        _text(x + width / 2, y + height + 22, f"timesteps: {timesteps}", fill=STEPS, weight="bold", css="axis"),
        _text(
            x + width + depth + 8,
            y - 10,
            f"features: {features}",
            fill=FEATURES,
            anchor="start",
            weight="bold",
            css="axis",
        ),
        _text(x + width / 2, y + height / 2 + 4, "one row = one sample (a sequence)", size=12, fill="#57606a"),
    ]
    label = f"training data: {samples} samples x {timesteps} timesteps x {features} features"
    return _svg(560, 230, body, label, "data-block")


def batch_strip(samples: int, batch_size: int, batches: int, last: int, shuffles: bool | None) -> str:
    """The samples cut into batches of ``batch_size``, in order (or shuffled)."""
    indexes = shown_indexes(batches)
    cell, gap, top = 104, 6, 30
    body = []
    for slot, index in enumerate(indexes):
        left = 10 + slot * (cell + gap)
        if index is None:
            body.append(_text(left + cell / 2, top + 30, "…", size=20))
            continue
        size = last if index == batches - 1 else batch_size
        first = index * batch_size
        body.append(_rect(left, top, cell, 44, "#ddf4ff" if size == batch_size else "#fff8c5", BATCH, "batch"))
        body.append(_text(left + cell / 2, top + 18, f"batch {index + 1}", size=12, weight="bold"))
        body.append(_text(left + cell / 2, top + 35, f"rows {first:,}-{first + size - 1:,}", size=11))
    width = 20 + len(indexes) * (cell + gap)
    order = "shuffled each epoch" if shuffles else "in order"
    body.append(
        _text(
            10,
            18,
            f"{samples} samples → {batches} batches of {batch_size} ({order})",
            anchor="start",
            fill=BATCH,
            weight="bold",
        )
    )
    if last != batch_size:
        body.append(_text(10, top + 66, f"the last batch has only {last} samples", anchor="start", fill=BAD, size=12))
    return _svg(max(width, 420), top + 76, body, f"{batches} batches of {batch_size}", "batches")


def unrolled(label: str, timesteps: object, features: object, units: int, sequences: bool | None) -> str:
    """A recurrent layer as one cell reused at every timestep, passing its state along."""
    known = isinstance(timesteps, int) and timesteps > 0
    count = timesteps if isinstance(timesteps, int) and timesteps > 0 else MAX_SHOWN + 1
    indexes = shown_indexes(count)
    cell, gap, top = 70, 46, 70
    body = []
    for slot, index in enumerate(indexes):
        left = 20 + slot * (cell + gap)
        if index is None:
            body.append(_text(left + cell / 2, top + 30, "…", size=22))
            body.append(_arrow(left + cell - 10, top + 22, left + cell + gap - 2, top + 22, UNITS))
            continue
        last = index == count - 1
        kept = sequences is True or last
        step = str(index + 1) if known else {count - 1: "T", count - 2: "T-1"}.get(index, str(index + 1))
        body.append(_rect(left, top, cell, 44, "#fbefff", UNITS, "cell"))
        body.append(_text(left + cell / 2, top + 18, "same cell", size=11, fill=UNITS, weight="bold"))
        body.append(_text(left + cell / 2, top + 34, f"t = {step}", size=11))
        body.append(_arrow(left + cell / 2, top + 104, left + cell / 2, top + 46, FEATURES))
        body.append(_text(left + cell / 2, top + 118, f"x[t]: {features} features", size=10, fill=FEATURES))
        colour = UNITS if kept else MUTED
        body.append(_arrow(left + cell / 2, top, left + cell / 2, top - 34, colour, dashed=not kept))
        text = f"{units} numbers" if kept else "dropped"
        body.append(_text(left + cell / 2, top - 40, text, size=10, fill=colour, css="kept" if kept else "dropped"))
        if slot + 1 < len(indexes):
            body.append(_arrow(left + cell, top + 22, left + cell + gap - 2, top + 22, UNITS))
            body.append(_text(left + cell + gap / 2, top + 16, "state", size=9, fill=UNITS))
    kept_text = (
        "return_sequences=True keeps every timestep's output"
        if sequences
        else "return_sequences=False keeps only the last timestep's output"
    )
    steps = "" if known else f" Timesteps: {timesteps} (any length; T is the last)."
    caption = f"{label}: state = a vector of {units} numbers per sample; {kept_text}.{steps}"
    body.append(_text(20, top + 142, caption, anchor="start", size=12))
    width = max(40 + len(indexes) * (cell + gap), 40 + int(len(caption) * 6.6))
    return _svg(width, top + 154, body, f"{label} unrolled over {timesteps} timesteps", "unrolled")


def carried_state(batch_size: int, units: int | None, shuffles: bool | None) -> str:
    """Stateful: sample i of batch k hands its state to sample i of batch k+1."""
    rows = shown_indexes(batch_size, 5)
    top, height, left, right = 46, 26, 30, 330
    colour = BAD if shuffles else UNITS
    body = [
        _text(left + 60, 30, "batch k", weight="bold", fill=BATCH),
        _text(right + 60, 30, "batch k+1", weight="bold", fill=BATCH),
    ]
    for slot, row in enumerate(rows):
        y = top + slot * (height + 8)
        if row is None:
            body.append(_text(left + 60, y + 18, "…", size=18))
            body.append(_text(right + 60, y + 18, "…", size=18))
            continue
        body.append(_rect(left, y, 120, height, "#ddf4ff", BATCH))
        body.append(_text(left + 60, y + 18, f"sample {row}", size=12))
        body.append(_rect(right, y, 120, height, "#ddf4ff", BATCH))
        body.append(_text(right + 60, y + 18, f"sample {row}", size=12))
        body.append(_arrow(left + 122, y + height / 2, right - 4, y + height / 2, colour, dashed=bool(shuffles)))
    state = f"state: {units} numbers" if units else "state"
    body.append(_text((left + right + 120) / 2, top - 6, state, size=11, fill=colour, css="carried"))
    height_total = top + len(rows) * (height + 8) + 10
    label = f"the state of sample i in batch k is where sample i in batch k+1 starts (batches of {batch_size})"
    return _svg(500, height_total, body, label, "carry")
