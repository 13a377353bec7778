"""reader: read, search and annotate articles in the terminal."""

__version__ = "0.1.0"
