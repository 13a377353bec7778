"""The Textual user interface: app, screens, widgets, styles, help and commands."""
