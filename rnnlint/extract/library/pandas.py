"""pandas: files read into frames of unknown length, and frames built from arrays.

A frame's rows are a symbol of their own (``len(df)``); its columns are known
when the code names them (``df[["a", "b"]]``). Methods and indexing are in
``library.methods`` and ``operators``.
"""

from __future__ import annotations

from rnnlint.extract.library.base import Handler, argument, known_shape
from rnnlint.values import UNKNOWN, FrameValue, Value, fresh_sym


def _read(args: list[Value], kwargs: dict[str, Value]) -> Value:
    """``pd.read_csv(path, usecols=[...])``: rows unknown, columns known from ``usecols``."""
    columns = kwargs.get("usecols")
    width = len(columns) if isinstance(columns, tuple) and "index_col" not in kwargs else UNKNOWN
    return FrameValue(fresh_sym(), width)


def _frame(args: list[Value], kwargs: dict[str, Value]) -> Value:
    """``pd.DataFrame(array)`` has the array's rows and columns."""
    columns = kwargs.get("columns")
    shape = known_shape(argument(args, kwargs, 0, "data"))
    if shape is not None and len(shape) == 2:
        return FrameValue(shape[0], shape[1] if isinstance(shape[1], int) else UNKNOWN)
    if isinstance(columns, tuple):
        return FrameValue(UNKNOWN, len(columns))
    return UNKNOWN


def _series(args: list[Value], kwargs: dict[str, Value]) -> Value:
    shape = known_shape(argument(args, kwargs, 0, "data"))
    return FrameValue(shape[0], series=True) if shape is not None and len(shape) == 1 else UNKNOWN


_READERS = ("read_csv", "read_table", "read_excel", "read_parquet", "read_feather", "read_json", "read_sql")

MODELS: dict[str, Handler] = {
    **{f"pandas.{name}": _read for name in _READERS},
    "pandas.DataFrame": _frame,
    "pandas.Series": _series,
}
