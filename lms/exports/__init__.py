"""File exports (leaf modules): streamed ZIP archives, later spreadsheets."""
