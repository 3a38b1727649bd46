"""The exit codes of every command, as ruff's: 0 no finding, 1 findings,
2 a usage error, a bad config, a missing path, an unreadable file or an
internal error."""

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
