"""A Telegram bot that answers questions about a news article by quoting it word for word."""

__version__ = "0.1.0"
