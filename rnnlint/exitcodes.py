"""The exit codes of every command, as ruff's: 0 no finding, 1 findings (a
path that does not exist or a file that cannot be read is an E902 finding),
2 a usage error, a bad config file or an internal error."""

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
