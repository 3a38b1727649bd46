"""The Keras a project runs, read from its metadata without importing or running anything.

``requirements``: one requirement on keras, tensorflow or tf-keras and what
it says about the Keras version (specifiers read with ``packaging``).
``readers``: one function per metadata format, each giving the requirements
it declares or the versions it pins, with file and line. ``decide``: the
order they are consulted in, folder by folder up to the repository root,
cached per folder.
"""
