"""rnnlint: a static-analysis linter for Keras recurrent models."""

__version__ = "0.1.0"
