"""Screens of the TUI: the main screen, its actions, and the keys help."""
