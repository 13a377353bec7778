"""Widgets of the reader app: the article list, the reading pane and the status line."""
