"""Documents the bot hands over as files (Excel workbooks, CSV, PNG charts): built from rows a
service gathered, off the event loop, never from Telegram objects."""
