"""Realistic demo data for a provincial Department of Natural Resources and Environment (2024)."""
