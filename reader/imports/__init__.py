"""Bringing a reading life in from other services' exports (`reader import`)."""
