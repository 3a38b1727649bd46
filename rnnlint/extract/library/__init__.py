"""Shape models of the data APIs Keras users call: what a numpy, pandas,
scikit-learn, TensorFlow or Keras utility call returns, as an abstract value.

Each module of this package declares ``MODELS``, a table from a canonical
qualified name (``numpy.zeros``, ``tensorflow.reshape``) to a handler of the
call's evaluated arguments; this registry joins the tables. A call that no
table models is ``UNKNOWN``: a handler may keep less than the truth (a known
rank with unknown sizes), never more. docs/data-apis.md lists them.
"""

from __future__ import annotations

from rnnlint.extract.library import builtins, keras_utils, numpy, pandas, sklearn, tensorflow
from rnnlint.extract.library.base import Handler
from rnnlint.extract.library.methods import method
from rnnlint.values import UNKNOWN, Value

LIBRARY: dict[str, Handler] = {
    **builtins.MODELS,
    **numpy.MODELS,
    **pandas.MODELS,
    **sklearn.MODELS,
    **tensorflow.MODELS,
    **keras_utils.MODELS,
}
"""Every modelled library function, by canonical qualified name."""


def call_library(qualname: str, args: list[Value], kwargs: dict[str, Value]) -> Value:
    handler = LIBRARY.get(qualname)
    return UNKNOWN if handler is None else handler(args, kwargs)


__all__ = ["LIBRARY", "Handler", "call_library", "method"]
