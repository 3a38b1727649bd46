"""The HTML page: one section per model, inline CSS and SVG, nothing fetched.

Each function renders one part; every string from the user's code (names,
paths, messages) is escaped with ``esc``.
"""

from __future__ import annotations

from collections.abc import Sequence

from rnnlint import __version__, explain
from rnnlint.findings import Finding
from rnnlint.report_html import svg
from rnnlint.report_html.picture import CallPicture, LayerPicture, ModelPicture, Role
from rnnlint.values import is_int

esc = svg.esc

CSS = """
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: #24292f; margin: 0 auto;
       max-width: 1100px; padding: 16px 24px 48px; background: #fff; }
h1 { font-size: 24px; margin: 8px 0 4px; } h2 { font-size: 20px; margin: 0 0 8px; }
h3 { font-size: 16px; margin: 18px 0 6px; } h4 { font-size: 15px; margin: 0 0 4px; }
.where { color: #57606a; font-weight: normal; font-size: 14px; }
.legend span, .role b { display: inline-block; min-width: 2.2em; padding: 0 6px; border-radius: 4px; color: #fff;
       text-align: center; margin-right: 6px; }
.legend span { margin-left: 12px; }
.batch { background: #1f6feb; } .timesteps { background: #c4581a; } .features { background: #1a7f37; }
.units { background: #8250df; }
section.model { border: 1px solid #d0d7de; border-radius: 8px; padding: 16px 20px; margin: 20px 0; }
ul.roles { list-style: none; padding: 0; margin: 6px 0; } ul.roles li { margin: 4px 0; }
.role.batch, .role.timesteps, .role.features, .role.units { background: none; }
.role.batch b { background: #1f6feb; } .role.timesteps b { background: #c4581a; }
.role.features b { background: #1a7f37; } .role.units b { background: #8250df; }
p.unrelated { background: #fff8c5; border-left: 4px solid #d4a72c; padding: 6px 10px; margin: 8px 0; }
.layer { border-top: 1px solid #d8dee4; padding: 10px 0; }
.shape code, .params code { background: #f6f8fa; padding: 1px 5px; border-radius: 4px; }
.finding { border-left: 4px solid #cf222e; background: #ffebe9; padding: 6px 10px; margin: 6px 0; }
.finding b { color: #cf222e; } .ok { color: #1a7f37; } .bad { color: #cf222e; font-weight: 600; }
svg { display: block; max-width: 100%; height: auto; margin: 6px 0; }
svg text { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; }
footer { color: #57606a; font-size: 13px; margin-top: 24px; }
"""

ROLE_CLASS = {"batch size": "batch", "timesteps": "timesteps", "features": "features"}


def page(pictures: Sequence[ModelPicture], loose: Sequence[Finding], files: Sequence[str]) -> str:
    """The whole document."""
    sections = [model_section(index, item) for index, item in enumerate(pictures, 1)]
    if loose:
        sections.append('<section class="file-findings"><h2>Findings outside a model</h2>' + findings(loose))
        sections[-1] += "</section>"
    if not pictures:
        sections.append('<p class="empty">No Keras model found.</p>')
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>rnnlint shapes: {esc(', '.join(files))}</title><style>{CSS}</style></head><body>"
        f"<h1>What your recurrent models really are</h1>{legend()}{''.join(sections)}"
        f"<footer>Made by rnnlint {esc(__version__)} without running your code: shapes and parameter counts "
        "follow Keras's rules; ? marks a size rnnlint cannot know.</footer></body></html>\n"
    )


def legend() -> str:
    return (
        '<p class="legend">Colours name four numbers that are easily confused:'
        '<span class="batch">batch</span>samples processed together'
        '<span class="timesteps">timesteps</span>steps in each sequence'
        '<span class="features">features</span>numbers per timestep'
        '<span class="units">units</span>a layer\'s own width (its state)</p>'
    )


def model_section(index: int, item: ModelPicture) -> str:
    where = f"{item.path}:{item.model.span.line} · Keras {item.keras_version}"
    parts = [
        f'<section class="model" id="model-{index}" data-line="{item.model.span.line}">',
        f'<h2>{esc(item.title)} <span class="where">{esc(where)}</span></h2>',
        numbers(item),
        training(item),
        stateful(item) if item.stateful else "",
        layers(item),
    ]
    if item.findings:
        parts.append(f'<div class="model-findings"><h3>About the whole model</h3>{findings(item.findings)}</div>')
    return "".join(parts) + "</section>"


def numbers(item: ModelPicture) -> str:
    roles = list({role.name: role for role in item.roles()}.values())
    if not roles:
        return ""
    rows = "".join(
        f'<li class="role {_role_class(role)}"><b>{role.value:,}</b>{esc(role.name)}: {esc(role.meaning)}</li>'
        for role in roles
    )
    return (
        f'<div class="numbers"><h3>The numbers in this model</h3><ul class="roles">{rows}</ul>{unrelated(roles)}</div>'
    )


def _role_class(role: Role) -> str:
    return ROLE_CLASS.get(role.name, "units")


def unrelated(roles: Sequence[Role]) -> str:
    """A sentence for each number that plays two parts: they only happen to be equal."""
    words = {2: "two", 3: "three", 4: "four"}
    sentences = []
    for value in dict.fromkeys(role.value for role in roles):
        same = [role for role in roles if role.value == value]
        if len(same) < 2:
            continue
        count = words.get(len(same), str(len(same)))
        each = "; ".join(f"{value} is the {role.name} ({role.meaning})" for role in same)
        sentences.append(
            f'<p class="unrelated">The {count} {value}s are unrelated: {esc(each)}. They are equal by choice, '
            "not because Keras needs them to be: change one and the other stays valid.</p>"
        )
    return "".join(sentences)


def training(item: ModelPicture) -> str:
    drawn: set[object] = set()
    calls = []
    for call in item.calls:  # the same data again is not drawn again
        calls.append(call_block(call, draw_data=call.data not in drawn))
        drawn.add(call.data)
    return f'<div class="calls"><h3>The data and its batches</h3>{"".join(calls)}</div>' if calls else ""


def call_block(call: CallPicture, draw_data: bool = True) -> str:
    method, line = call.call.method, call.call.span.line
    parts = [f'<div class="call" data-method="{esc(method)}" data-line="{line}"><h4>{esc(method)}, line {line}</h4>']
    if call.data is not None and len(call.data) == 3 and draw_data:
        samples, timesteps, features = (_size(size) for size in call.data)
        parts.append(svg.data_block(samples, timesteps, features))
    batching = call.batching
    if batching is not None:
        parts.append(
            svg.batch_strip(batching.used, batching.batch_size, batching.batches, batching.last, batching.shuffles)
        )
        parts.append(f'<p class="batching">{esc(explain.batching_text(batching))}.</p>')
    elif call.data is None:
        parts.append("<p>The data's shape is not known statically.</p>")
    parts.append(findings(call.findings))
    return "".join(parts) + "</div>"


def stateful(item: ModelPicture) -> str:
    training_call = item.training
    batching = training_call.batching if training_call else None
    size = batching.batch_size if batching else item.fixed_batch
    if not isinstance(size, int):
        return '<div class="stateful"><h3>Stateful</h3><p>The batch size is not known statically.</p></div>'
    units = next((layer.units for layer in item.layers if layer.units), None)
    shuffles = batching.shuffles if batching else None
    continued = (
        f"Sample i of batch k+1 starts from the state sample i of batch k ended with: row {size} continues "
        f"row 0, row {size + 1} continues row 1, … So row i, row i + {size}, row i + {2 * size}, … must be "
        "consecutive pieces of one sequence."
    )
    if shuffles:
        broken = (
            '<p class="shuffle bad">This fit shuffles (shuffle=True is its default): the rows are reordered '
            f"every epoch, so row {size} no longer follows row 0 and the state handed over belongs to another "
            "sequence. Pass shuffle=False.</p>"
        )
    else:
        broken = (
            '<p class="shuffle ok">What shuffling would break: shuffle=True (fit\'s default) reorders the rows '
            "every epoch, and the state handed over would belong to another sequence. This fit keeps the order.</p>"
        )
    return (
        f'<div class="stateful"><h3>Stateful: the state carried from batch to batch</h3>'
        f"{svg.carried_state(size, units, shuffles)}<p>{esc(continued)}</p>{broken}</div>"
    )


def layers(item: ModelPicture) -> str:
    blocks = [layer_block(layer) for layer in item.layers]
    return f'<div class="layers"><h3>Layer by layer</h3>{"".join(blocks)}</div>'


def layer_block(layer: LayerPicture) -> str:
    view = layer.view
    line = view.node.span.line
    parts = [
        f'<div class="layer" data-layer="{esc(view.layer.label)}" data-line="{line}">',
        f"<h4>line {line} · {esc(view.layer.label)}</h4>",
        f'<p class="shape">input <code>{esc(explain.shape_with_axes(view.inputs, view.input_axes))}</code> → '
        f"output <code>{esc(explain.shape_with_axes(view.output, view.output_axes))}</code></p>",
    ]
    if isinstance(view.params, int):
        formula = f" = <code>{esc(view.formula.symbols)}</code> = {esc(view.formula.numbers)}" if view.formula else ""
        parts.append(f'<p class="params">{view.params:,} parameters{formula}</p>')
    units = layer.units
    core = layer.core
    if units is not None and core is not None and isinstance(view.inputs, tuple) and len(view.inputs) == 3:
        sequences = core.get("return_sequences", False)
        parts.append(
            svg.unrolled(
                view.layer.label,
                _size(view.inputs[1]),
                _size(view.inputs[2]),
                units,
                sequences if isinstance(sequences, bool) else None,
            )
        )
    parts.append(findings(layer.findings))
    return "".join(parts) + "</div>"


def findings(items: Sequence[Finding]) -> str:
    return "".join(
        f'<div class="finding" data-code="{esc(f.code)}" data-line="{f.span.line}"><b>{esc(f.code)}</b> '
        f"line {f.span.line}: {esc(f.text)}</div>"
        for f in items
    )


def _size(value: object) -> object:
    return value if is_int(value) else "?" if value is not None else "None"
