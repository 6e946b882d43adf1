"""Hỏa Tốc: a Telegram bot for provincial network-security emergencies."""
