"""Bringing web pages in: fetching with limits, and saving pages as Markdown articles."""
