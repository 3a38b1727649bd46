"""TensorFlow: tensor constructors, ``tf.reshape``/``tf.expand_dims``, ``tf.data`` sources."""

from __future__ import annotations

from rnnlint.extract.library.base import Handler, array, dataset, expand_dims, reshape_function, shape_first

MODELS: dict[str, Handler] = {
    **{f"tensorflow.{name}": shape_first for name in ("zeros", "ones")},
    "tensorflow.random.normal": shape_first,
    "tensorflow.random.uniform": shape_first,
    "tensorflow.reshape": reshape_function,
    "tensorflow.expand_dims": expand_dims,
    "tensorflow.convert_to_tensor": array,
    "tensorflow.constant": array,
    "tensorflow.data.Dataset.from_tensor_slices": dataset,
    "tensorflow.data.Dataset.from_tensors": dataset,
    "tensorflow.data.Dataset.from_generator": dataset,
    "tensorflow.data.Dataset.zip": dataset,
    "tensorflow.data.Dataset.range": dataset,
}
