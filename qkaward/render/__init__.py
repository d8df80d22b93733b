"""Rendering results: terminal tables (Rich), JSON envelope, CSV, Excel."""
