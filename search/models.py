"""No models: the SQLite index's tables are made by ``search.fts``.

This module lets ``migrate`` send this app its ``post_migrate`` signal
(Django sends it only to apps with a models module).
"""
