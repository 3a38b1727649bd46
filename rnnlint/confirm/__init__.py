"""``--confirm``: rebuild the models behind findings in TensorFlow and show what Keras does.

The static analysis stays TensorFlow-free: models travel to a worker process
(``worker``) as JSON specs built from the IR (``spec``), never as the user's
code. ``session`` runs it all; this package's import is cheap on purpose,
because the worker imports it too.
"""
