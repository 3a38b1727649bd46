"""Automatic fixes: ``rnnlint --fix``, ``--unsafe-fixes`` and ``--diff``.

A fix re-parses the source with libcst, finds the nodes a finding is about
by the spans the IR recorded, and edits only those, so every comment and
space of the file stays. ``engine`` plans, applies and verifies; one module
per rule (``rnnNNN_*``, named by the rule's ``fixer``) holds that rule's fix,
``registry`` loads them; ``command`` reads, writes and diffs files; ``report``
is how the output formats show fixability. Nothing is imported here, so
that the formats can use ``report`` without loading libcst.
"""
