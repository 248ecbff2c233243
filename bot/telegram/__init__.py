"""The Telegram adapter: building the PTB `Application`, handlers, admin commands."""
