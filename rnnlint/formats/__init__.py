"""The report formats beyond plain text and JSON (which live in ``rnnlint.output``)."""
