"""PDF documents (leaf modules: no Flask, no database): certificates, later reports."""
