"""Benchmarks: commands, not tests. ``bash bench/run.sh`` runs them all against a fresh PostgreSQL."""
