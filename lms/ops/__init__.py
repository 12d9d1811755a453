"""Operations on the server: backing up and restoring the SQLite database."""
