"""The version, kept in one place so that the build and the package agree."""

__version__ = "0.1.0"
